/** The service desk's side of analysis's TicketFacts port: open incidents, known errors and live changes. */
import type { Tx } from '../../shared/db';
import type { ScheduledChange, TicketFacts, TicketSignals } from '../analysis';
import * as repo from './tickets.repository';
import { LIVE_CHANGE_STATUSES, OPEN_TICKET_STATUSES } from './workflow';

export class TicketFactsReader implements TicketFacts {
  incidentCIs(tx: Tx, incidentIds: readonly string[]): Promise<Map<string, string[]>> {
    return repo.incidentCIs(tx, incidentIds);
  }

  signals(tx: Tx, ciIds: readonly string[]): Promise<TicketSignals[]> {
    return repo.ticketSignals(tx, ciIds, OPEN_TICKET_STATUSES);
  }

  overlappingChanges(
    tx: Tx,
    touched: { ciIds: readonly string[]; serviceIds: readonly string[]; customerIds: readonly string[] },
    start: string,
    end: string,
    excludeId: string | null,
  ): Promise<ScheduledChange[]> {
    return repo.overlappingChanges(tx, touched, start, end, excludeId, LIVE_CHANGE_STATUSES);
  }
}
