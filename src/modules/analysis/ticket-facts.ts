/**
 * What analysis reads of the service desk, as a port: the tickets module implements it and src/server wires it
 * (AnalysisService.useTicketFacts), so analysis knows no ticket storage or status model.
 */
import type { Tx } from '../../shared/db';

/** Service-desk signals on a CI: open incidents affecting it, known errors that apply to it. */
export interface TicketSignals {
  id: string;
  /** Numbers of the open incidents that affect the CI. */
  openIncidents: string[];
  /** "number: title" of the known errors logged against the CI or against its class (and version). */
  knownErrors: string[];
}

/** A live change whose window overlaps the one asked about, with what it shares with it. */
export interface ScheduledChange {
  changeId: string;
  number: string | null;
  title: string | null;
  start: string;
  end: string;
  /** Of the CIs asked about, those it modifies. */
  ciIds: string[];
  /** Of the services asked about, those it affects too. */
  serviceIds: string[];
  /** Of the customers asked about, those it affects too. */
  customerIds: string[];
}

export interface TicketFacts {
  /** The CIs each incident affects; ids that are not incidents are left out. */
  incidentCIs(tx: Tx, incidentIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Signals on each of these CIs (one row per CI found). */
  signals(tx: Tx, ciIds: readonly string[]): Promise<TicketSignals[]>;
  /**
   * Live changes whose window overlaps [start, end) and that modify one of these CIs, or whose stored impact
   * reaches one of these services or customers; `excludeId` is left out.
   */
  overlappingChanges(
    tx: Tx,
    touched: { ciIds: readonly string[]; serviceIds: readonly string[]; customerIds: readonly string[] },
    start: string,
    end: string,
    excludeId: string | null,
  ): Promise<ScheduledChange[]>;
}

/** Facts of a deployment without a service desk: no incidents, no signals, no changes. */
export const NO_TICKET_FACTS: TicketFacts = {
  incidentCIs: () => Promise.resolve(new Map()),
  signals: () => Promise.resolve([]),
  overlappingChanges: () => Promise.resolve([]),
};
