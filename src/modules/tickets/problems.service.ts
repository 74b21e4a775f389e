/**
 * Problems and known errors (seed 000): incident → problem → known error. A problem is owned before it is
 * investigated; a known error carries a root cause and a workaround or fix; resolving a problem completes its
 * open incidents.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/db';
import { BadUserInputError } from '../../shared/errors';
import { write, type Actor } from '../../shared/write';
import { parseInput, type RegistryStore } from '../cmdb';
import * as repo from './tickets.repository';
import type { TicketRecord } from './tickets.repository';
import { journalEntry as entry, pick, type TicketStore } from './ticket-store';
import * as v from './tickets.validation';
import {
  OPEN_TICKET_STATUSES,
  PROBLEM_TRANSITIONS,
  assertTransition,
  type ProblemStatus,
  type TicketStatus,
} from './workflow';

type Journal = repo.NewJournalEntry;

/** The conditions a known error filter (KnownErrorFilter) puts on a page of known errors. */
export function knownErrorPageFilter(
  filter: { text?: string | null; ciId?: string | null; ciClass?: string | null } | null | undefined,
): repo.TicketPageFilter {
  return {
    text: filter?.text?.trim().toLowerCase() || null,
    ciId: filter?.ciId ?? null,
    ciClass: filter?.ciClass ?? null,
  };
}

export class ProblemService {
  constructor(
    private readonly db: Db,
    private readonly store: TicketStore,
    private readonly registries: RegistryStore,
  ) {}

  async searchKnownErrors(
    filter: { text?: string | null; ciId?: string | null; ciClass?: string | null } | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const limit = parseInput(v.limitSchema, first ?? 50, 'first');
    return this.db.readTx(
      (tx) =>
        repo.searchKnownErrors(tx, filter?.text?.trim() || null, filter?.ciId ?? null, filter?.ciClass ?? null, limit),
      {
        operation: 'knownErrors',
      },
    );
  }

  async createProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.createProblemSchema, raw);
    return write(this.db, actor, { name: 'createProblem', permission: 'servicedesk.write' }, async (tx) => {
      await this.store.requireEntities(tx, [
        { id: input.ownerId, field: 'input.ownerId', classes: ['Person'] },
        ...input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
      ]);
      const incidents = await this.store.requireTickets(tx, input.incidentIds, 'Incident', 'input.incidentIds');
      const ciIds = [...new Set([...input.ciIds, ...incidents.flatMap((i) => i.ciIds)])];
      const id = randomUUID();
      const number = await repo.nextNumber(tx, 'Problem');
      const origin = input.origin ?? (incidents.length ? 'REACTIVE' : 'PROACTIVE');
      await repo.createTicket(tx, {
        id,
        kind: 'Problem',
        number,
        props: {
          title: input.title,
          description: input.description ?? null,
          category: input.category ?? null,
          status: 'NEW',
          origin,
        },
      });
      await this.store.linkAll(tx, id, { AFFECTS: ciIds, OWNER: input.ownerId ? [input.ownerId] : [] });
      if (incidents.length)
        await repo.addLinks(
          tx,
          incidents.map((i) => i.id),
          'CAUSED_BY',
          id,
        );
      await repo.addJournal(tx, [
        entry(
          id,
          'TRANSITION',
          `raised ${origin.toLowerCase()}${incidents.length ? ` from ${incidents.map((i) => i.number).join(', ')}` : ''}`,
          null,
          'NEW',
        ),
        ...incidents.map((i) => entry(i.id, 'WORK_NOTE', `linked to problem ${number}`)),
      ]);
      tx.audit({ entityType: 'Problem', entityId: id, action: 'create', after: { number, ...input, origin } });
      return this.store.reload(tx, id);
    });
  }

  async updateProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.updateProblemSchema, raw);
    return write(this.db, actor, { name: 'updateProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.store.lock(tx, input.id, 'Problem');
      if (p.status === 'CLOSED') throw new BadUserInputError(`problem ${p.number} is CLOSED`, 'input.id');
      await this.store.requireEntities(tx, [
        { id: input.ownerId, field: 'input.ownerId', classes: ['Person'] },
        ...(input.ciIds ?? []).map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
      ]);
      const set: Record<string, unknown> = {};
      for (const k of ['title', 'description', 'rootCause', 'workaround', 'fix'] as const)
        if (input[k] !== undefined) set[k] = input[k];
      await repo.updateTicket(tx, p.id, set);
      if (input.ownerId) await repo.setLinks(tx, p.id, 'OWNER', [input.ownerId]);
      if (input.ciIds) await repo.setLinks(tx, p.id, 'AFFECTS', input.ciIds);
      tx.audit({
        entityType: 'Problem',
        entityId: p.id,
        action: 'update',
        before: pick(p.props, Object.keys(set)),
        after: { ...set, ownerId: input.ownerId, ciIds: input.ciIds },
      });
      return this.store.reload(tx, p.id);
    });
  }

  async linkIncidentsToProblem(
    actor: Actor | null,
    problemId: string,
    incidentIds: readonly string[],
  ): Promise<TicketRecord> {
    if (!incidentIds.length) throw new BadUserInputError('give at least one incident', 'incidentIds');
    return write(this.db, actor, { name: 'linkIncidentsToProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.store.lock(tx, problemId, 'Problem');
      if (p.status === 'CLOSED') throw new BadUserInputError(`problem ${p.number} is CLOSED`, 'problemId');
      const incidents = await this.store.requireTickets(tx, incidentIds, 'Incident', 'incidentIds');
      await repo.addLinks(
        tx,
        incidents.map((i) => i.id),
        'CAUSED_BY',
        p.id,
      );
      const ciIds = [...new Set([...p.ciIds, ...incidents.flatMap((i) => i.ciIds)])];
      await repo.setLinks(tx, p.id, 'AFFECTS', ciIds);
      await repo.addJournal(
        tx,
        incidents.map((i) => entry(i.id, 'WORK_NOTE', `linked to problem ${p.number}`)),
      );
      await repo.updateTicket(tx, p.id, {});
      tx.audit({ entityType: 'Problem', entityId: p.id, action: 'link', after: { incidentIds } });
      return this.store.reload(tx, p.id);
    });
  }

  async transitionProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.transitionProblemSchema, raw);
    const registry = await this.registries.current();
    if (input.knownError?.ciClass && !registry.getClass(input.knownError.ciClass)) {
      throw new BadUserInputError(`unknown class ${input.knownError.ciClass}`, 'input.knownError.ciClass');
    }
    return write(this.db, actor, { name: 'transitionProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.store.lock(tx, input.id, 'Problem');
      const from = p.status as ProblemStatus;
      assertTransition(`problem ${p.number}`, PROBLEM_TRANSITIONS, from, input.to);
      const rootCause = input.rootCause ?? (p.props.rootCause as string | null) ?? null;
      const workaround = input.workaround ?? (p.props.workaround as string | null) ?? null;
      const fix = input.fix ?? (p.props.fix as string | null) ?? null;
      const set: Record<string, unknown> = { status: input.to, rootCause, workaround, fix };
      const journal: Journal[] = [];
      switch (input.to) {
        case 'INVESTIGATING':
          if (!p.ownerId)
            throw new BadUserInputError(
              'every problem is owned: set an owner (updateProblem ownerId) before investigating',
              'input.to',
            );
          break;
        case 'KNOWN_ERROR': {
          if (!rootCause) throw new BadUserInputError('a known error has a diagnosed root cause', 'input.rootCause');
          if (!workaround && !fix)
            throw new BadUserInputError('a known error has a workaround or a fix', 'input.workaround');
          const ke = input.knownError ?? {};
          const ciIds = ke.ciIds ?? p.ciIds;
          if (!ciIds.length && !ke.ciClass)
            throw new BadUserInputError(
              'known errors are logged against CIs: give knownError.ciIds or a class (or link CIs to the problem)',
              'input.knownError.ciIds',
            );
          await this.store.requireEntities(
            tx,
            ciIds.map((id, i) => ({ id, field: `input.knownError.ciIds.${i}`, ci: true })),
          );
          const keId = randomUUID();
          const number = await repo.nextNumber(tx, 'KnownError');
          await repo.createTicket(tx, {
            id: keId,
            kind: 'KnownError',
            number,
            props: {
              title: ke.title ?? p.title,
              status: 'ACTIVE',
              rootCause,
              workaround,
              fix,
              ciClass: ke.ciClass ?? null,
              version: ke.version ?? null,
            },
          });
          await repo.setLinks(tx, keId, 'APPLIES_TO', ciIds);
          await repo.addLinks(tx, [p.id], 'HAS_KNOWN_ERROR', keId);
          journal.push(entry(p.id, 'WORK_NOTE', `known error ${number} recorded`));
          tx.audit({
            entityType: 'KnownError',
            entityId: keId,
            action: 'create',
            after: { number, problemId: p.id, ciIds, ciClass: ke.ciClass ?? null, version: ke.version ?? null },
          });
          break;
        }
        case 'RESOLVED': {
          if (!input.resolution) throw new BadUserInputError('say how the problem was resolved', 'input.resolution');
          if (!rootCause)
            throw new BadUserInputError('a resolved problem has its root cause recorded', 'input.rootCause');
          set.resolution = input.resolution;
          set.resolvedAt = new Date().toISOString();
          // Resolution is reported back to incident management: linked open incidents are completed.
          const incidentIds = p.backlinks.filter(([type]) => type === 'CAUSED_BY').map(([, id]) => id);
          for (const inc of await repo.findTickets(tx, incidentIds)) {
            if (!OPEN_TICKET_STATUSES.includes(inc.status as TicketStatus)) continue;
            await repo.updateTicket(tx, inc.id, {
              status: 'COMPLETED',
              completionCode: 'RESOLVED_BY_PROBLEM',
              resolution: `${p.number}: ${input.resolution}`,
              completedAt: set.resolvedAt,
            });
            journal.push(
              entry(inc.id, 'TRANSITION', `problem ${p.number} resolved: ${input.resolution}`, inc.status, 'COMPLETED'),
            );
          }
          break;
        }
        case 'CLOSED':
        case 'NEW':
          break;
      }
      await repo.updateTicket(tx, p.id, set);
      journal.unshift(
        entry(p.id, 'TRANSITION', input.note ?? input.resolution ?? `${from} → ${input.to}`, from, input.to),
      );
      await repo.addJournal(tx, journal);
      tx.audit({ entityType: 'Problem', entityId: p.id, action: 'transition', before: { status: from }, after: set });
      return this.store.reload(tx, p.id);
    });
  }
}
