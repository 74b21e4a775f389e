export { TicketService } from './tickets.service';
export type { TicketFactsReader } from './ticket-facts';
export { TicketStore, journalEntry, type EntityRef, type TicketImpact } from './ticket-store';
export type { SettingsService } from './settings.service';
export type { IncidentService } from './incidents.service';
export type { ProblemService } from './problems.service';
export type { RequestService } from './requests.service';
export type { TicketWorkflow } from './ticket-workflow.service';
export type { TriageService, SuggestionsRecord, QueueEntryRecord } from './triage.service';
export type {
  TicketRecord,
  TicketKind,
  TicketOf,
  ChangeRecord,
  ReleaseRecord,
  JournalRow,
  CatalogItemRow,
  ImpactLink,
  NewJournalEntry,
} from './tickets.repository';
export type { TicketConnectionRecord } from './tickets.types';
export { expectKind, oneOfKind, allOfKind, pageOfKind, ofKind, onlyKind } from './ticket-kinds';
export { fields, limitSchema } from './tickets.validation';
export * from './workflow';
