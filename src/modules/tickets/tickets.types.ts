/** Shapes the GraphQL layer maps ticket types onto (see codegen.ts mappers). */
import type { ConnectionRecord } from '../../shared/graphql/connection';
import type { TicketRecord } from './tickets.repository';

/** Incident, Problem, KnownError, ServiceRequest, Change and Release connections. */
export type TicketConnectionRecord = ConnectionRecord<TicketRecord>;

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
