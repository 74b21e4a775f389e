export { AnalysisService, MAX_AFFECTED, serviceClasses, type ChangeConflictRecord } from './analysis.service';
export type { TicketFacts, TicketSignals, ScheduledChange } from './ticket-facts';
