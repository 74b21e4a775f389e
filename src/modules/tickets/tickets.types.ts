/** Shapes the GraphQL layer maps ticket types onto (see codegen.ts mappers). */
export interface CustomerLink {
  id: string;
  serviceIds: string[];
}

export interface RelatedIncidentRecord {
  incidentId: string;
  reason: string;
}

export interface ApplicableKnownErrorRecord {
  knownErrorId: string;
  reason: string;
}
