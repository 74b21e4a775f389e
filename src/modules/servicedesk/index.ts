export { TicketService, SERVICE_CLASSES } from './tickets.service';
export { ChangeService } from './change.service';
export type { TicketRecord, JournalRow, CatalogItemRow } from './tickets.repository';
export type { BlackoutRow, DeploymentRow, WorkOrderRow, ApprovalRow } from './change.repository';
export type { SuggestionsRecord, QueueEntryRecord } from './tickets.service';
export * from './workflow';
