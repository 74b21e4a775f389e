/** Shapes the GraphQL layer maps ticket types onto (see codegen.ts mappers). */
import type { ConnectionRecord } from '../../shared/graphql/connection';
import type { TicketKind, TicketOf, TicketRecord } from './tickets.repository';

/** A page of tickets of any kind. */
export type TicketConnectionRecord = ConnectionRecord<TicketRecord>;
/** A page of tickets of one kind: what the Incident, Problem, … connections resolve to. */
export type TicketPageOf<K extends TicketKind> = ConnectionRecord<TicketOf<K>>;
export type IncidentConnectionRecord = TicketPageOf<'Incident'>;
export type ProblemConnectionRecord = TicketPageOf<'Problem'>;
export type KnownErrorConnectionRecord = TicketPageOf<'KnownError'>;
export type ServiceRequestConnectionRecord = TicketPageOf<'ServiceRequest'>;
export type ChangeConnectionRecord = TicketPageOf<'Change'>;
export type ReleaseConnectionRecord = TicketPageOf<'Release'>;

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
