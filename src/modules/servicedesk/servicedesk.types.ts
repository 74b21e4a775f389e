/** Shapes the GraphQL layer maps service-desk types onto (see codegen.ts mappers). */
import type { BlackoutRow } from './change.repository';

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

export interface ScheduleRecord {
  changeIds: string[];
  blackouts: BlackoutRow[];
}
