/**
 * The ticket record inside a transaction: find, lock, create, link, journal, and the reference checks every ticket
 * kind makes. Incidents, problems and requests use it, and so does the change module (changes and releases are
 * tickets too), which reaches ticket storage only through this class.
 */
import type { Row, Tx } from '../../shared/db';
import { BadUserInputError, NotFoundError } from '../../shared/errors';
import type { WriteTx } from '../../shared/write';
import type { AnalysisService } from '../analysis';
import * as repo from './tickets.repository';
import type {
  ImpactLink,
  JournalRow,
  LinkType,
  NewJournalEntry,
  TicketKind,
  TicketOf,
  TicketRecord,
} from './tickets.repository';

/** A reference to check: the entity with this id must exist (and be a CI, or of one of these classes). */
export interface EntityRef {
  id: string | null | undefined;
  field: string;
  classes?: readonly string[];
  ci?: boolean;
}

/** Impact analysis of a ticket's CIs, in the shape stored on the ticket. */
export interface TicketImpact {
  services: ImpactLink[];
  customers: Array<{ id: string; serviceIds: string[] }>;
  truncated: boolean;
}

export class TicketStore {
  constructor(private readonly analysis: AnalysisService) {}

  find(tx: Tx, ids: readonly string[]): Promise<TicketRecord[]> {
    return repo.findTickets(tx, ids);
  }

  /** The ticket as written so far in this transaction. */
  async reload(tx: Tx, id: string): Promise<TicketRecord> {
    const [t] = await repo.findTickets(tx, [id]);
    if (!t) throw new Error(`ticket ${id} vanished`);
    return t;
  }

  /** Takes the ticket's write lock (concurrent writers serialize); NOT_FOUND unless it is a ticket of this kind. */
  async lock<K extends TicketKind>(tx: WriteTx, id: string, kind: K): Promise<TicketOf<K>> {
    const t = await repo.lockTicket(tx, id, kind);
    if (!t) throw new NotFoundError(kind, id);
    return t;
  }

  /** Throws BAD_USER_INPUT naming the field unless every id is an entity of an accepted class. */
  async requireEntities(tx: Tx, refs: readonly EntityRef[]): Promise<void> {
    const wanted = refs.filter((r): r is EntityRef & { id: string } => !!r.id);
    if (!wanted.length) return;
    const found = await repo.entityKinds(
      tx,
      wanted.map((r) => r.id),
    );
    for (const r of wanted) {
      const e = found.get(r.id);
      if (!e) throw new BadUserInputError(`${r.id} does not exist`, r.field);
      if (r.ci && !e.isCI) throw new BadUserInputError(`${r.id} is a ${e.class}, not a CI`, r.field);
      if (r.classes && !r.classes.includes(e.class))
        throw new BadUserInputError(`${r.id} is a ${e.class}; expected ${r.classes.join(' or ')}`, r.field);
    }
  }

  /** The tickets with these ids, in order; BAD_USER_INPUT naming `field.i` for one that is not of this kind. */
  async requireTickets(tx: Tx, ids: readonly string[], kind: TicketKind, field: string): Promise<TicketRecord[]> {
    const found = await repo.findTickets(tx, ids);
    const byId = new Map(found.map((t) => [t.id, t]));
    return ids.map((id, i) => {
      const t = byId.get(id);
      if (!t || t.kind !== kind)
        throw new BadUserInputError(`${id} is not ${kind === 'Incident' ? 'an' : 'a'} ${kind}`, `${field}.${i}`);
      return t;
    });
  }

  /** BAD_USER_INPUT unless the group exists and the assignee (if any) is a Person in it (when it has members). */
  async assertAssignable(tx: Tx, groupId: string, assigneeId: string | null | undefined): Promise<void> {
    await this.requireEntities(tx, [{ id: groupId, field: 'input.groupId', classes: ['Group'] }]);
    if (!assigneeId) return;
    const m = await repo.isMember(tx, assigneeId, groupId);
    if (!m.person) throw new BadUserInputError(`${assigneeId} is not a Person`, 'input.assigneeId');
    if (m.groupHasMembers && !m.member)
      throw new BadUserInputError(`${assigneeId} is not a member of group ${groupId}`, 'input.assigneeId');
  }

  /** Impact analysis of a ticket's CIs (and reported service): services with state and path, customers. */
  async impactOf(ciIds: readonly string[], scenario: 'DOWN' | 'DEGRADED', field: string): Promise<TicketImpact> {
    if (!ciIds.length) return { services: [], customers: [], truncated: false };
    const outcome = await this.analysis.impact({ ciIds: [...ciIds], scenario, limit: 5000 }, field);
    return {
      services: outcome.services.map((s) => ({ id: s.id, state: s.state, path: s.path })),
      customers: outcome.customers.map((c) => ({ id: c.customerId, serviceIds: c.services.map((s) => s.id) })),
      truncated: outcome.truncated,
    };
  }

  /** Creates a ticket of this kind with its next number; returns the number. */
  async create(tx: WriteTx, id: string, kind: TicketKind, props: Row): Promise<string> {
    const number = await repo.nextNumber(tx, kind);
    await repo.createTicket(tx, { id, kind, number, props });
    return number;
  }

  /** Sets properties (null removes) and updatedAt. */
  update(tx: WriteTx, id: string, set: Row): Promise<void> {
    return repo.updateTicket(tx, id, set);
  }

  /** Replaces all `type` links of ticket `id` with links to `targetIds`. */
  setLinks(tx: WriteTx, id: string, type: LinkType, targetIds: readonly string[]): Promise<void> {
    return repo.setLinks(tx, id, type, targetIds);
  }

  /** Adds `type` links from each of `fromIds` to `toId` (idempotent). */
  addLinks(tx: WriteTx, fromIds: readonly string[], type: LinkType, toId: string): Promise<void> {
    return repo.addLinks(tx, fromIds, type, toId);
  }

  /** Sets each non-empty link list (a new ticket's links). */
  async linkAll(tx: WriteTx, id: string, links: Partial<Record<LinkType, readonly string[]>>): Promise<void> {
    for (const [type, targets] of Object.entries(links) as Array<[LinkType, readonly string[] | undefined]>)
      if (targets && targets.length) await repo.setLinks(tx, id, type, targets);
  }

  setImpact(tx: WriteTx, id: string, impact: Pick<TicketImpact, 'services' | 'customers'>): Promise<void> {
    return repo.setImpact(tx, id, impact.services, impact.customers);
  }

  addJournal(tx: WriteTx, entries: readonly NewJournalEntry[]): Promise<void> {
    return repo.addJournal(tx, entries);
  }

  journalOf(tx: Tx, ticketIds: readonly string[]): Promise<JournalRow[]> {
    return repo.journalOf(tx, ticketIds);
  }
}

/** A journal entry to write: a note, or a transition `from` → `to`. */
export const journalEntry = repo.journalEntry;

/** The values of these keys (null when absent): the `before` of an audit entry. */
export function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));
}
