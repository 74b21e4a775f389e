/**
 * Incidents (seed 002): logging with priority from the matrix and impact analysis, repeat-incident detection,
 * updates, duplicate and major-incident links. Assignment and the status model are TicketWorkflow's.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/db';
import { BadUserInputError, NotFoundError } from '../../shared/errors';
import { write, type Actor, type WriteTx } from '../../shared/write';
import { parseInput, type RegistryStore } from '../cmdb';
import * as repo from './tickets.repository';
import type { TicketRecord } from './tickets.repository';
import { journalEntry as entry, pick, type TicketStore } from './ticket-store';
import type { SettingsService } from './settings.service';
import * as v from './tickets.validation';
import {
  OPEN_TICKET_STATUSES,
  priorityOf,
  type Impact,
  type ServiceDeskSettings,
  type TicketStatus,
  type Urgency,
} from './workflow';

/** The incident filter of the GraphQL API (IncidentFilter). */
export interface IncidentFilterInput {
  status?: TicketStatus[] | null;
  /** Open incidents only (New, Assigned, Accepted, Pending), within `status` when both are given. */
  open?: boolean | null;
  ciId?: string | null;
  groupId?: string | null;
  major?: boolean | null;
  maxPriority?: number | null;
}

/** The conditions an incident filter puts on a list or page of incidents. */
export function incidentPageFilter(filter: IncidentFilterInput | null | undefined): repo.TicketPageFilter {
  const f = filter ?? {};
  return {
    statuses: f.open ? [...OPEN_TICKET_STATUSES].filter((s) => !f.status || f.status.includes(s)) : (f.status ?? null),
    ciId: f.ciId ?? null,
    groupId: f.groupId ?? null,
    major: f.major ?? null,
    maxPriority: f.maxPriority ?? null,
  };
}

export class IncidentService {
  constructor(
    private readonly db: Db,
    private readonly store: TicketStore,
    private readonly settings: SettingsService,
    private readonly registries: RegistryStore,
  ) {}

  async list(
    filter: IncidentFilterInput | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const limit = parseInput(v.limitSchema, first ?? 50, 'first');
    const f = incidentPageFilter(filter);
    return this.db.readTx(
      (tx) =>
        repo.listIncidents(
          tx,
          {
            statuses: f.statuses ?? null,
            ciId: f.ciId ?? null,
            groupId: f.groupId ?? null,
            major: f.major ?? null,
            maxPriority: f.maxPriority ?? null,
          },
          limit,
        ),
      { operation: 'incidents' },
    );
  }

  async logIncident(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.logIncidentSchema, raw);
    const serviceClasses = (await this.registries.current()).serviceClasses();
    await this.db.readTx(
      (tx) =>
        this.store.requireEntities(tx, [
          { id: input.callerId, field: 'input.callerId', classes: ['Person'] },
          { id: input.serviceId, field: 'input.serviceId', classes: serviceClasses },
          ...input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
        ]),
      { operation: 'logIncident' },
    );
    if (input.assigneeId && !input.assignmentGroupId)
      throw new BadUserInputError(
        'an assignee belongs to an assignment group: give assignmentGroupId too',
        'input.assigneeId',
      );
    // Severe and high impact mean the CIs are down; otherwise they are degraded.
    const scenario = input.impact === 'SEVERE' || input.impact === 'HIGH' ? 'DOWN' : 'DEGRADED';
    const impact = await this.store.impactOf(
      [...input.ciIds, ...(input.serviceId ? [input.serviceId] : [])],
      scenario,
      'input.ciIds',
    );
    return write(this.db, actor, { name: 'logIncident', permission: 'servicedesk.log' }, async (tx) => {
      if (input.assignmentGroupId) await this.store.assertAssignable(tx, input.assignmentGroupId, input.assigneeId);
      const settings = await this.settings.current(tx);
      const id = randomUUID();
      const number = await repo.nextNumber(tx, 'Incident');
      const status: TicketStatus = input.assignmentGroupId ? 'ASSIGNED' : 'NEW';
      const priority = priorityOf(settings, input.impact, input.urgency);
      await repo.createTicket(tx, {
        id,
        kind: 'Incident',
        number,
        props: {
          title: input.shortDescription,
          description: input.description ?? null,
          status,
          impact: input.impact,
          urgency: input.urgency,
          priority,
          category: input.category ?? null,
          reportedBy: input.reportedBy,
          major: false,
          impactTruncated: impact.truncated,
        },
      });
      await this.store.linkAll(tx, id, {
        AFFECTS: input.ciIds,
        REPORTED_FOR: input.serviceId ? [input.serviceId] : [],
        CALLER: input.callerId ? [input.callerId] : [],
        ASSIGNED_TO: input.assignmentGroupId ? [input.assignmentGroupId] : [],
        ASSIGNEE: input.assigneeId ? [input.assigneeId] : [],
      });
      await repo.setImpact(tx, id, impact.services, impact.customers);
      const journal = [
        entry(id, 'TRANSITION', `logged by ${tx.actor.id} (${input.reportedBy}), priority ${priority}`, null, 'NEW'),
      ];
      if (status === 'ASSIGNED') journal.push(entry(id, 'TRANSITION', 'assigned on logging', 'NEW', 'ASSIGNED'));
      await repo.addJournal(tx, journal);
      tx.audit({
        entityType: 'Incident',
        entityId: id,
        action: 'create',
        after: { number, ...input, priority, status },
      });
      await this.detectRepeatIncidents(tx, id, input.ciIds, settings);
      return this.store.reload(tx, id);
    });
  }

  /**
   * Repeat incidents: when a CI has `threshold` incidents within the window, they are linked to a problem — the
   * open problem some of them already have, or a new one raised by itself (origin REPEAT_INCIDENTS).
   */
  private async detectRepeatIncidents(
    tx: WriteTx,
    incidentId: string,
    ciIds: readonly string[],
    settings: ServiceDeskSettings,
  ): Promise<void> {
    const since = new Date(Date.now() - settings.repeatIncidentWindowHours * 3600_000).toISOString();
    for (const ciId of ciIds) {
      const recent = await repo.recentIncidentsOn(tx, ciId, since);
      if (recent.length < settings.repeatIncidentThreshold) continue;
      const existing = recent.flatMap((r) => r.problemIds)[0];
      const unlinked = recent.filter((r) => !existing || !r.problemIds.includes(existing)).map((r) => r.id);
      let problemId = existing;
      if (!problemId) {
        problemId = randomUUID();
        const number = await repo.nextNumber(tx, 'Problem');
        const [name] = [...(await repo.namesOf(tx, [ciId])).values()];
        await repo.createTicket(tx, {
          id: problemId,
          kind: 'Problem',
          number,
          props: {
            title: `Repeat incidents on ${name ?? ciId}: ${recent.length} in ${settings.repeatIncidentWindowHours} h`,
            description: `Raised by itself: ${recent.length} incidents on ${name ?? ciId} within ${settings.repeatIncidentWindowHours} hours (threshold ${settings.repeatIncidentThreshold}).`,
            status: 'NEW',
            origin: 'REPEAT_INCIDENTS',
          },
        });
        await repo.setLinks(tx, problemId, 'AFFECTS', [ciId]);
        await repo.addJournal(tx, [
          entry(problemId, 'TRANSITION', `raised by repeat incidents on ${name ?? ciId}`, null, 'NEW'),
        ]);
        tx.audit({
          entityType: 'Problem',
          entityId: problemId,
          action: 'create',
          after: { number, origin: 'REPEAT_INCIDENTS', ciId, incidents: recent.map((r) => r.id) },
        });
      }
      if (unlinked.length) await repo.addLinks(tx, unlinked, 'CAUSED_BY', problemId);
      if (unlinked.includes(incidentId)) {
        await repo.addJournal(tx, [
          entry(incidentId, 'WORK_NOTE', `linked to problem ${problemId} (repeat incidents on this CI)`),
        ]);
      }
    }
  }

  async updateIncident(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.updateIncidentSchema, raw);
    const serviceClasses = (await this.registries.current()).serviceClasses();
    const scoped = input.ciIds !== undefined || input.serviceId !== undefined || input.impact !== undefined;
    let current = (await this.db.readTx((tx) => this.store.find(tx, [input.id]), { operation: 'tickets' }))[0];
    if (!current || current.kind !== 'Incident') throw new NotFoundError('Incident', input.id);
    const ciIds = input.ciIds ?? current.ciIds;
    const serviceId = input.serviceId === undefined ? current.serviceId : input.serviceId;
    await this.db.readTx(
      (tx) =>
        this.store.requireEntities(tx, [
          { id: serviceId, field: 'input.serviceId', classes: serviceClasses },
          ...ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
        ]),
      { operation: 'updateIncident' },
    );
    const impactLevel = (input.impact ?? current.props.impact) as Impact;
    const impact = scoped
      ? await this.store.impactOf(
          [...ciIds, ...(serviceId ? [serviceId] : [])],
          impactLevel === 'SEVERE' || impactLevel === 'HIGH' ? 'DOWN' : 'DEGRADED',
          'input.ciIds',
        )
      : null;
    return write(this.db, actor, { name: 'updateIncident', permission: 'servicedesk.write' }, async (tx) => {
      current = await this.store.lock(tx, input.id, 'Incident');
      if (current.status === 'CLOSED')
        throw new BadUserInputError(`incident ${current.number} is CLOSED and can no longer be changed`, 'input.id');
      const settings = await this.settings.current(tx);
      const set: Record<string, unknown> = {};
      if (input.shortDescription) set.title = input.shortDescription;
      if (input.description !== undefined) set.description = input.description;
      if (input.category !== undefined) set.category = input.category;
      if (input.impact) set.impact = input.impact;
      if (input.urgency) set.urgency = input.urgency;
      const priority = priorityOf(
        settings,
        (input.impact ?? current.props.impact) as Impact,
        (input.urgency ?? current.props.urgency) as Urgency,
      );
      if (priority !== current.props.priority) set.priority = priority;
      await repo.updateTicket(tx, current.id, set);
      if (input.ciIds) await repo.setLinks(tx, current.id, 'AFFECTS', ciIds);
      if (input.serviceId !== undefined)
        await repo.setLinks(tx, current.id, 'REPORTED_FOR', serviceId ? [serviceId] : []);
      if (impact) await repo.setImpact(tx, current.id, impact.services, impact.customers);
      tx.audit({
        entityType: 'Incident',
        entityId: current.id,
        action: 'update',
        before: pick(current.props, Object.keys(set)),
        after: { ...set, ciIds: input.ciIds, serviceId: input.serviceId },
      });
      return this.store.reload(tx, current.id);
    });
  }

  async linkIncident(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.linkIncidentSchema, raw);
    if (input.id === input.targetId)
      throw new BadUserInputError('an incident cannot be linked to itself', 'input.targetId');
    return write(this.db, actor, { name: 'linkIncident', permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.store.lock(tx, input.id, 'Incident');
      const [target] = await this.store.requireTickets(tx, [input.targetId], 'Incident', 'input.targetId');
      if (input.link === 'CHILD_OF' && target!.props.major !== true) {
        throw new BadUserInputError(
          `${target!.number} is not a major incident: declare it major first (declareMajorIncident)`,
          'input.targetId',
        );
      }
      if (input.link === 'CHILD_OF' && t.props.major === true)
        throw new BadUserInputError(`${t.number} is itself a major incident and cannot be a child`, 'input.id');
      if (input.link === 'DUPLICATE_OF' && target!.links.some(([type, id]) => type === 'DUPLICATE_OF' && id === t.id)) {
        throw new BadUserInputError(`${target!.number} is already a duplicate of ${t.number}`, 'input.targetId');
      }
      await repo.setLinks(tx, t.id, input.link, [input.targetId]);
      await repo.addJournal(tx, [
        entry(
          t.id,
          'WORK_NOTE',
          `${input.link === 'CHILD_OF' ? 'child of major incident' : 'duplicate of'} ${target!.number}`,
        ),
      ]);
      tx.audit({
        entityType: 'Incident',
        entityId: t.id,
        action: 'link',
        after: { link: input.link, targetId: input.targetId },
      });
      return this.store.reload(tx, t.id);
    });
  }

  async declareMajor(actor: Actor | null, id: string): Promise<TicketRecord> {
    return write(this.db, actor, { name: 'declareMajorIncident', permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.store.lock(tx, id, 'Incident');
      if (!OPEN_TICKET_STATUSES.includes(t.status as TicketStatus))
        throw new BadUserInputError(`incident ${t.number} is ${t.status}: only an open incident becomes major`, 'id');
      if (t.props.major === true) throw new BadUserInputError(`incident ${t.number} is already a major incident`, 'id');
      if (t.links.some(([type]) => type === 'CHILD_OF'))
        throw new BadUserInputError(`incident ${t.number} is a child of a major incident`, 'id');
      await repo.updateTicket(tx, t.id, { major: true, majorSince: new Date().toISOString() });
      await repo.addJournal(tx, [entry(t.id, 'COMMUNICATION', `major incident declared by ${tx.actor.id}`)]);
      tx.audit({ entityType: 'Incident', entityId: t.id, action: 'declare-major', after: { major: true } });
      return this.store.reload(tx, t.id);
    });
  }
}
