/**
 * The tickets module's service: incidents, problems and known errors, service requests, settings and triage,
 * each its own service over one TicketStore, and the reads every ticket kind shares.
 */
import type { Db } from '../../shared/db';
import { connectionOf, pageRequest, type ConnectionRecord } from '../../shared/graphql/connection';
import { parseInput, type RegistryStore } from '../cmdb';
import type { AnalysisService } from '../analysis';
import * as repo from './tickets.repository';
import type { TicketKind, TicketRecord } from './tickets.repository';
import { TicketStore } from './ticket-store';
import { TicketFactsReader } from './ticket-facts';
import { SettingsService } from './settings.service';
import { IncidentService } from './incidents.service';
import { ProblemService } from './problems.service';
import { RequestService } from './requests.service';
import { TicketWorkflow } from './ticket-workflow.service';
import { TriageService } from './triage.service';
import * as v from './tickets.validation';

/** Ticket pages sort by (openedAt as stored, id). */
const TICKET_PAGE_KEY = ['string', 'string'] as const;

export class TicketService {
  readonly store: TicketStore;
  readonly settings: SettingsService;
  readonly incidents: IncidentService;
  readonly problems: ProblemService;
  readonly requests: RequestService;
  readonly workflow: TicketWorkflow;
  readonly triage: TriageService;
  /** What analysis reads of tickets (its TicketFacts port). */
  readonly facts = new TicketFactsReader();

  constructor(
    private readonly db: Db,
    analysis: AnalysisService,
    registries: RegistryStore,
  ) {
    this.store = new TicketStore(analysis);
    this.settings = new SettingsService(db);
    this.incidents = new IncidentService(db, this.store, this.settings, registries);
    this.problems = new ProblemService(db, this.store, registries);
    this.requests = new RequestService(db, this.store, registries);
    this.workflow = new TicketWorkflow(db, this.store);
    this.triage = new TriageService(db, analysis);
  }

  async tickets(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.db.readTx((tx) => repo.findTickets(tx, ids), { operation: 'tickets' });
  }

  async byNumber(number: string): Promise<TicketRecord | null> {
    return this.db.readTx((tx) => repo.findTicketByNumber(tx, number.trim().toUpperCase()), {
      operation: 'ticketByNumber',
    });
  }

  async list(
    kind: TicketKind,
    statuses: string[] | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const limit = parseInput(v.limitSchema, first ?? 50, 'first');
    return this.db.readTx((tx) => repo.listByKind(tx, kind, statuses ?? null, limit), { operation: `list${kind}` });
  }

  /**
   * One kind of ticket as a connection in opening order, (openedAt, id): `args.first` rows after the cursor
   * `args.after`, with the count of every match run only when asked for.
   */
  async connection(
    kind: TicketKind,
    filter: repo.TicketPageFilter,
    args: { first?: number | null; after?: string | null },
  ): Promise<ConnectionRecord<TicketRecord>> {
    const page = pageRequest<[string, string]>(args, TICKET_PAGE_KEY);
    const rows = await this.db.readTx((tx) => repo.listTicketPage(tx, kind, filter, page), {
      operation: `${kind} page`,
    });
    return connectionOf(rows, page, () =>
      this.db.readTx((tx) => repo.countTickets(tx, kind, filter), { operation: `${kind} count` }),
    );
  }

  async journal(ticketIds: readonly string[]): Promise<repo.JournalRow[]> {
    return this.db.readTx((tx) => repo.journalOf(tx, ticketIds), { operation: 'journal' });
  }
}
