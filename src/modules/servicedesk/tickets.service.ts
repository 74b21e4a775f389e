/**
 * Incidents, problems, known errors and service requests: the rules of seed 002 (statuses, priority matrix,
 * policies) and seed 000 (incident → problem → known error). Every write goes through the one write path.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../shared/db';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../shared/errors';
import { can, write, type Actor, type Permission, type WriteTx } from '../../shared/write';
import { parseInput, type RegistryStore } from '../cmdb';
import type { AnalysisService } from '../analysis';
import * as repo from './tickets.repository';
import type { TicketKind, TicketRecord } from './tickets.repository';
import * as v from './servicedesk.validation';
import {
  DEFAULT_SETTINGS,
  OPEN_TICKET_STATUSES,
  PROBLEM_TRANSITIONS,
  TICKET_TRANSITIONS,
  assertTransition,
  priorityOf,
  type Impact,
  type ProblemStatus,
  type ServiceDeskSettings,
  type TicketStatus,
  type Urgency,
} from './workflow';

export const SERVICE_CLASSES = ['Service', 'BusinessService'];
/** A list's page size. */
export const limitSchema = z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000');
const SETTINGS_KEY = 'servicedesk';

export interface SuggestionsRecord {
  relatedIncidents: Array<{ incidentId: string; reason: string }>;
  knownErrors: Array<{ knownErrorId: string; reason: string }>;
}

export interface QueueEntryRecord extends repo.QueueRow {
  slaTarget: string | null;
  slaDueAt: string | null;
}

type Journal = repo.NewJournalEntry;
const entry = repo.journalEntry;

export class TicketService {
  constructor(
    private readonly db: Db,
    private readonly analysis: AnalysisService,
    private readonly registries: RegistryStore,
  ) {}

  // ── Settings ────────────────────────────────────────────────────────────────────────────────────────────
  async settings(tx?: Tx): Promise<ServiceDeskSettings> {
    const raw = tx
      ? await repo.readSetting(tx, SETTINGS_KEY)
      : await this.db.readTx((t) => repo.readSetting(t, SETTINGS_KEY), { operation: 'serviceDeskSettings' });
    return raw ? { ...DEFAULT_SETTINGS, ...(JSON.parse(raw) as Partial<ServiceDeskSettings>) } : DEFAULT_SETTINGS;
  }

  async updateSettings(actor: Actor | null, raw: unknown): Promise<ServiceDeskSettings> {
    const input = parseInput(v.settingsSchema, raw);
    return write(this.db, actor, { name: 'updateServiceDeskSettings', permission: 'servicedesk.admin' }, async (tx) => {
      const before = await this.settings(tx);
      const after: ServiceDeskSettings = { ...before };
      for (const [k, value] of Object.entries(input))
        if (value !== null && value !== undefined) (after as unknown as Record<string, unknown>)[k] = value;
      await repo.writeSetting(tx, SETTINGS_KEY, JSON.stringify(after));
      tx.audit({ entityType: 'Settings', entityId: SETTINGS_KEY, action: 'update', before, after });
      return after;
    });
  }

  async priorityFor(impact: Impact, urgency: Urgency): Promise<number> {
    return priorityOf(await this.settings(), impact, urgency);
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────────────────
  async tickets(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.db.readTx((tx) => repo.findTickets(tx, ids), { operation: 'tickets' });
  }

  async byNumber(number: string): Promise<TicketRecord | null> {
    return this.db.readTx((tx) => repo.findTicketByNumber(tx, number.trim().toUpperCase()), {
      operation: 'ticketByNumber',
    });
  }

  async incidents(
    filter:
      | {
          status?: TicketStatus[] | null;
          open?: boolean | null;
          ciId?: string | null;
          groupId?: string | null;
          major?: boolean | null;
          maxPriority?: number | null;
        }
      | null
      | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const f = filter ?? {};
    const statuses = f.open
      ? [...OPEN_TICKET_STATUSES].filter((s) => !f.status || f.status.includes(s))
      : (f.status ?? null);
    const limit = parseInput(limitSchema, first ?? 50, 'first');
    return this.db.readTx(
      (tx) =>
        repo.listIncidents(
          tx,
          {
            statuses,
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

  async list(
    kind: TicketKind,
    statuses: string[] | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const limit = parseInput(limitSchema, first ?? 50, 'first');
    return this.db.readTx((tx) => repo.listByKind(tx, kind, statuses ?? null, limit), { operation: `list${kind}` });
  }

  async journal(ticketIds: readonly string[]): Promise<repo.JournalRow[]> {
    return this.db.readTx((tx) => repo.journalOf(tx, ticketIds), { operation: 'journal' });
  }

  async searchKnownErrors(
    filter: { text?: string | null; ciId?: string | null; ciClass?: string | null } | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    const limit = parseInput(limitSchema, first ?? 50, 'first');
    return this.db.readTx(
      (tx) =>
        repo.searchKnownErrors(tx, filter?.text?.trim() || null, filter?.ciId ?? null, filter?.ciClass ?? null, limit),
      {
        operation: 'knownErrors',
      },
    );
  }

  async catalog(serviceId: string | null | undefined): Promise<repo.CatalogItemRow[]> {
    return this.db.readTx((tx) => repo.catalogItems(tx, null, serviceId ?? null), { operation: 'serviceCatalog' });
  }

  async catalogItemsById(ids: readonly string[]): Promise<repo.CatalogItemRow[]> {
    return this.db.readTx((tx) => repo.catalogItems(tx, ids, null), { operation: 'catalogItems' });
  }

  /**
   * The agent queue: open incidents of these groups (or of the actor's groups: the Person whose email is the
   * actor), highest priority first, then oldest. One statement, bounded by `first`.
   */
  async queue(
    actor: Actor | null,
    groupIds: readonly string[] | null | undefined,
    first: number | null | undefined,
  ): Promise<QueueEntryRecord[]> {
    const limit = parseInput(limitSchema, first ?? 50, 'first');
    return this.db.readTx(
      async (tx) => {
        let groups = groupIds?.length ? [...groupIds] : null;
        if (!groups) {
          if (!actor)
            throw new BadUserInputError(
              'name the groups, or send X-Actor with the email of a person in groups',
              'groupIds',
            );
          groups = await repo.groupsOfPersonByEmail(tx, actor.id);
        }
        const rows = await repo.queue(tx, groups, OPEN_TICKET_STATUSES, limit);
        return rows.map((r) => ({ ...r, slaTarget: null, slaDueAt: null }));
      },
      { operation: 'agentQueue' },
    );
  }

  /** Related open incidents (same CI, CIs it depends on, CIs depending on it) and applicable known errors. */
  async suggestions(incident: TicketRecord): Promise<SuggestionsRecord> {
    const ciIds = [...new Set([...incident.ciIds, ...(incident.serviceId ? [incident.serviceId] : [])])];
    if (!ciIds.length) return { relatedIncidents: [], knownErrors: [] };
    const upstream = new Map<string, string>(); // dependency id → the affected CI that relies on it
    for (const ciId of ciIds) {
      for (const d of await this.analysis.dependencies(ciId, 3, null, { relationship: false }))
        if (!upstream.has(d.ciId)) upstream.set(d.ciId, ciId);
    }
    const impact = await this.analysis.impact({ ciIds, maxDepth: 3, limit: 2000 }, 'incident.ciIds');
    const downstream = new Map(impact.affected.filter((a) => a.depth > 0).map((a) => [a.id, a.path[0] as string]));
    return this.db.readTx(
      async (tx) => {
        const all = [...new Set([...ciIds, ...upstream.keys(), ...downstream.keys()])];
        const related = await repo.openIncidentsOn(tx, all, OPEN_TICKET_STATUSES, incident.id);
        const names = await repo.namesOf(tx, all);
        const nameOf = (id: string): string => names.get(id) ?? id;
        const seen = new Set<string>();
        const relatedIncidents: SuggestionsRecord['relatedIncidents'] = [];
        for (const r of related) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          let reason = `same CI ${r.ciName}`;
          if (!ciIds.includes(r.ciId)) {
            if (upstream.has(r.ciId))
              reason = `on ${r.ciName}, which ${nameOf(upstream.get(r.ciId) as string)} depends on`;
            else reason = `on ${r.ciName}, which depends on ${nameOf(downstream.get(r.ciId) as string)}`;
          }
          relatedIncidents.push({ incidentId: r.id, reason });
        }
        const kes = await repo.knownErrorsFor(tx, ciIds);
        const keSeen = new Set<string>();
        const knownErrors = kes
          .filter((k) => !keSeen.has(k.id) && keSeen.add(k.id))
          .map((k) => ({
            knownErrorId: k.id,
            reason: k.how === 'CI' ? `logged against ${k.ciName}` : `applies to the class (and version) of ${k.ciName}`,
          }));
        return { relatedIncidents, knownErrors };
      },
      { operation: 'incidentSuggestions' },
    );
  }

  // ── Reference checks ────────────────────────────────────────────────────────────────────────────────────
  /** Throws BAD_USER_INPUT naming the field unless every id is an entity of an accepted class. */
  async requireEntities(
    tx: Tx,
    refs: ReadonlyArray<{ id: string | null | undefined; field: string; classes?: readonly string[]; ci?: boolean }>,
  ): Promise<void> {
    const wanted = refs.filter((r) => r.id);
    if (!wanted.length) return;
    const found = await repo.entityKinds(
      tx,
      wanted.map((r) => r.id as string),
    );
    for (const r of wanted) {
      const e = found.get(r.id as string);
      if (!e) throw new BadUserInputError(`${r.id} does not exist`, r.field);
      if (r.ci && !e.isCI) throw new BadUserInputError(`${r.id} is a ${e.class}, not a CI`, r.field);
      if (r.classes && !r.classes.includes(e.class))
        throw new BadUserInputError(`${r.id} is a ${e.class}; expected ${r.classes.join(' or ')}`, r.field);
    }
  }

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

  private async lock(tx: WriteTx, id: string, kind: TicketKind): Promise<TicketRecord> {
    const t = await repo.lockTicket(tx, id, kind);
    if (!t) throw new NotFoundError(kind, id);
    return t;
  }

  private async assertAssignable(tx: Tx, groupId: string, assigneeId: string | null | undefined): Promise<void> {
    await this.requireEntities(tx, [{ id: groupId, field: 'input.groupId', classes: ['Group'] }]);
    if (!assigneeId) return;
    const m = await repo.isMember(tx, assigneeId, groupId);
    if (!m.person) throw new BadUserInputError(`${assigneeId} is not a Person`, 'input.assigneeId');
    if (m.groupHasMembers && !m.member)
      throw new BadUserInputError(`${assigneeId} is not a member of group ${groupId}`, 'input.assigneeId');
  }

  /** Impact analysis of a ticket's CIs (and reported service): services with state and path, customers. */
  async impactOf(
    ciIds: readonly string[],
    scenario: 'DOWN' | 'DEGRADED',
    field: string,
  ): Promise<{
    services: repo.ImpactLink[];
    customers: Array<{ id: string; serviceIds: string[] }>;
    truncated: boolean;
  }> {
    if (!ciIds.length) return { services: [], customers: [], truncated: false };
    const outcome = await this.analysis.impact({ ciIds: [...ciIds], scenario, limit: 5000 }, field);
    return {
      services: outcome.services.map((s) => ({ id: s.id, state: s.state, path: s.path })),
      customers: outcome.customers.map((c) => ({ id: c.customerId, serviceIds: c.services.map((s) => s.id) })),
      truncated: outcome.truncated,
    };
  }

  // ── Incidents ───────────────────────────────────────────────────────────────────────────────────────────
  async logIncident(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.logIncidentSchema, raw);
    await this.db.readTx(
      (tx) =>
        this.requireEntities(tx, [
          { id: input.callerId, field: 'input.callerId', classes: ['Person'] },
          { id: input.serviceId, field: 'input.serviceId', classes: SERVICE_CLASSES },
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
    const impact = await this.impactOf(
      [...input.ciIds, ...(input.serviceId ? [input.serviceId] : [])],
      scenario,
      'input.ciIds',
    );
    return write(this.db, actor, { name: 'logIncident', permission: 'servicedesk.log' }, async (tx) => {
      if (input.assignmentGroupId) await this.assertAssignable(tx, input.assignmentGroupId, input.assigneeId);
      const settings = await this.settings(tx);
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
      await this.linkAll(tx, id, {
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
      return this.reload(tx, id);
    });
  }

  private async linkAll(
    tx: WriteTx,
    id: string,
    links: Partial<Record<repo.LinkType, readonly string[]>>,
  ): Promise<void> {
    for (const [type, targets] of Object.entries(links))
      if (targets && targets.length) await repo.setLinks(tx, id, type as repo.LinkType, targets);
  }

  private async reload(tx: Tx, id: string): Promise<TicketRecord> {
    const [t] = await repo.findTickets(tx, [id]);
    if (!t) throw new Error(`ticket ${id} vanished`);
    return t;
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
    const scoped = input.ciIds !== undefined || input.serviceId !== undefined || input.impact !== undefined;
    let current = (await this.tickets([input.id]))[0];
    if (!current || current.kind !== 'Incident') throw new NotFoundError('Incident', input.id);
    const ciIds = input.ciIds ?? current.ciIds;
    const serviceId = input.serviceId === undefined ? current.serviceId : input.serviceId;
    await this.db.readTx(
      (tx) =>
        this.requireEntities(tx, [
          { id: serviceId, field: 'input.serviceId', classes: SERVICE_CLASSES },
          ...ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
        ]),
      { operation: 'updateIncident' },
    );
    const impactLevel = (input.impact ?? current.props.impact) as Impact;
    const impact = scoped
      ? await this.impactOf(
          [...ciIds, ...(serviceId ? [serviceId] : [])],
          impactLevel === 'SEVERE' || impactLevel === 'HIGH' ? 'DOWN' : 'DEGRADED',
          'input.ciIds',
        )
      : null;
    return write(this.db, actor, { name: 'updateIncident', permission: 'servicedesk.write' }, async (tx) => {
      current = await this.lock(tx, input.id, 'Incident');
      if (current.status === 'CLOSED')
        throw new BadUserInputError(`incident ${current.number} is CLOSED and can no longer be changed`, 'input.id');
      const settings = await this.settings(tx);
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
      return this.reload(tx, current.id);
    });
  }

  async assign(actor: Actor | null, raw: unknown, kind: 'Incident' | 'ServiceRequest'): Promise<TicketRecord> {
    const input = parseInput(v.assignSchema, raw);
    const op = kind === 'Incident' ? 'assignIncident' : 'assignRequest';
    return write(this.db, actor, { name: op, permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.lock(tx, input.id, kind);
      if (t.status === 'COMPLETED' || t.status === 'CLOSED')
        throw new BadUserInputError(
          `${t.number} is ${t.status}: reopen it (to ACCEPTED) before reassigning`,
          'input.id',
        );
      if (kind === 'ServiceRequest') this.assertApproved(t);
      await this.assertAssignable(tx, input.groupId, input.assigneeId);
      await repo.setLinks(tx, t.id, 'ASSIGNED_TO', [input.groupId]);
      await repo.setLinks(tx, t.id, 'ASSIGNEE', input.assigneeId ? [input.assigneeId] : []);
      const journal = [
        entry(
          t.id,
          'WORK_NOTE',
          `assigned to group ${input.groupId}${input.assigneeId ? ` and person ${input.assigneeId}` : ''}`,
        ),
      ];
      if (t.status === 'NEW') {
        await repo.updateTicket(tx, t.id, { status: 'ASSIGNED' });
        journal.push(entry(t.id, 'TRANSITION', 'assigned', 'NEW', 'ASSIGNED'));
      } else await repo.updateTicket(tx, t.id, {});
      await repo.addJournal(tx, journal);
      tx.audit({
        entityType: kind,
        entityId: t.id,
        action: 'assign',
        before: { groupId: t.groupId, assigneeId: t.assigneeId },
        after: { groupId: input.groupId, assigneeId: input.assigneeId ?? null },
      });
      return this.reload(tx, t.id);
    });
  }

  private assertApproved(t: TicketRecord): void {
    const approval = t.props.approval as string;
    if (approval === 'PENDING')
      throw new BadUserInputError(
        `request ${t.number} waits for approval by ${t.props.approver as string}`,
        'input.id',
      );
    if (approval === 'REJECTED')
      throw new BadUserInputError(`request ${t.number} was rejected by its approver`, 'input.id');
  }

  /** The shared status model of incidents and service requests (seed 002), with what each status needs. */
  async transition(actor: Actor | null, raw: unknown, kind: 'Incident' | 'ServiceRequest'): Promise<TicketRecord> {
    const input = parseInput(v.transitionTicketSchema, raw);
    const op = kind === 'Incident' ? 'transitionIncident' : 'transitionRequest';
    // Customers may confirm closure (or refuse it) of their tickets; everything else is the service desk's.
    const permission: Permission =
      input.to === 'CLOSED' || input.to === 'ACCEPTED' ? 'servicedesk.log' : 'servicedesk.write';
    return write(this.db, actor, { name: op, permission }, async (tx) => {
      const t = await this.lock(tx, input.id, kind);
      const from = t.status as TicketStatus;
      if (permission === 'servicedesk.log' && input.to === 'ACCEPTED' && from !== 'COMPLETED') {
        if (!can(tx.actor, 'servicedesk.write'))
          throw new ForbiddenError(
            `${op} to ACCEPTED needs permission servicedesk.write unless the customer reopens a COMPLETED ticket`,
          );
      }
      assertTransition(
        `${kind === 'Incident' ? 'incident' : 'request'} ${t.number}`,
        TICKET_TRANSITIONS,
        from,
        input.to,
      );
      if (kind === 'ServiceRequest') this.assertApproved(t);
      const set: Record<string, unknown> = { status: input.to };
      switch (input.to) {
        case 'ASSIGNED':
          if (!t.groupId) throw new BadUserInputError('assign a group first (assignIncident)', 'input.to');
          break;
        case 'ACCEPTED':
          if (!t.assigneeId)
            throw new BadUserInputError(
              'a member of the group accepts ownership: assign a person first (assigneeId)',
              'input.to',
            );
          set.pendingReason = null;
          break;
        case 'PENDING':
          if (!input.pendingReason)
            throw new BadUserInputError('say what the ticket is waiting for', 'input.pendingReason');
          set.pendingReason = input.pendingReason;
          break;
        case 'COMPLETED':
          if (!input.completionCode)
            throw new BadUserInputError(
              'a completed ticket carries a completion code (for trend analysis)',
              'input.completionCode',
            );
          Object.assign(set, {
            completionCode: input.completionCode,
            resolution: input.resolution ?? null,
            pendingReason: null,
            completedAt: new Date().toISOString(),
          });
          break;
        case 'CLOSED':
          if (!input.customerAgreement)
            throw new BadUserInputError(
              "a ticket is closed with the customer's consent: record who agreed and how",
              'input.customerAgreement',
            );
          Object.assign(set, { closureAgreement: input.customerAgreement, closedAt: new Date().toISOString() });
          break;
        case 'NEW':
          break;
      }
      await repo.updateTicket(tx, t.id, set);
      const journal = [
        entry(
          t.id,
          'TRANSITION',
          input.note ?? input.pendingReason ?? input.resolution ?? input.customerAgreement ?? `${from} → ${input.to}`,
          from,
          input.to,
        ),
      ];
      if (input.to === 'COMPLETED' && t.props.major === true) {
        // Completing a major incident completes its open children with it.
        const children = t.backlinks.filter(([type]) => type === 'CHILD_OF').map(([, id]) => id);
        for (const child of await repo.findTickets(tx, children)) {
          if (!OPEN_TICKET_STATUSES.includes(child.status as TicketStatus)) continue;
          await repo.updateTicket(tx, child.id, {
            status: 'COMPLETED',
            completionCode: input.completionCode,
            resolution: `Completed with major incident ${t.number}`,
            completedAt: set.completedAt,
          });
          journal.push(
            entry(child.id, 'TRANSITION', `completed with major incident ${t.number}`, child.status, 'COMPLETED'),
          );
        }
      }
      await repo.addJournal(tx, journal);
      tx.audit({ entityType: kind, entityId: t.id, action: 'transition', before: { status: from }, after: set });
      return this.reload(tx, t.id);
    });
  }

  async linkIncident(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.linkIncidentSchema, raw);
    if (input.id === input.targetId)
      throw new BadUserInputError('an incident cannot be linked to itself', 'input.targetId');
    return write(this.db, actor, { name: 'linkIncident', permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.lock(tx, input.id, 'Incident');
      const [target] = await this.requireTickets(tx, [input.targetId], 'Incident', 'input.targetId');
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
      return this.reload(tx, t.id);
    });
  }

  async declareMajor(actor: Actor | null, id: string): Promise<TicketRecord> {
    return write(this.db, actor, { name: 'declareMajorIncident', permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.lock(tx, id, 'Incident');
      if (!OPEN_TICKET_STATUSES.includes(t.status as TicketStatus))
        throw new BadUserInputError(`incident ${t.number} is ${t.status}: only an open incident becomes major`, 'id');
      if (t.props.major === true) throw new BadUserInputError(`incident ${t.number} is already a major incident`, 'id');
      if (t.links.some(([type]) => type === 'CHILD_OF'))
        throw new BadUserInputError(`incident ${t.number} is a child of a major incident`, 'id');
      await repo.updateTicket(tx, t.id, { major: true, majorSince: new Date().toISOString() });
      await repo.addJournal(tx, [entry(t.id, 'COMMUNICATION', `major incident declared by ${tx.actor.id}`)]);
      tx.audit({ entityType: 'Incident', entityId: t.id, action: 'declare-major', after: { major: true } });
      return this.reload(tx, t.id);
    });
  }

  async addNote(actor: Actor | null, raw: unknown): Promise<repo.JournalRow> {
    const input = parseInput(v.addNoteSchema, raw);
    if (input.kind === 'TRANSITION')
      throw new BadUserInputError('transitions are recorded by the transition mutations, not as notes', 'input.kind');
    const permission: Permission = input.kind === 'COMMENT' ? 'servicedesk.log' : 'servicedesk.write';
    return write(this.db, actor, { name: 'addNote', permission }, async (tx) => {
      const [t] = await repo.findTickets(tx, [input.ticketId]);
      if (!t) throw new NotFoundError('ticket', input.ticketId);
      if (input.kind === 'COMMUNICATION' && !(t.kind === 'Incident' && t.props.major === true)) {
        throw new BadUserInputError(`communications are kept on major incidents; ${t.number} is not one`, 'input.kind');
      }
      const e = entry(t.id, input.kind, input.text);
      await repo.addJournal(tx, [e]);
      await repo.updateTicket(tx, t.id, {});
      tx.audit({ entityType: t.kind, entityId: t.id, action: 'note', after: { kind: input.kind } });
      const rows = await repo.journalOf(tx, [t.id]);
      return rows.find((r) => r.id === e.id) as repo.JournalRow;
    });
  }

  // ── Problems and known errors ───────────────────────────────────────────────────────────────────────────
  async createProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.createProblemSchema, raw);
    return write(this.db, actor, { name: 'createProblem', permission: 'servicedesk.write' }, async (tx) => {
      await this.requireEntities(tx, [
        { id: input.ownerId, field: 'input.ownerId', classes: ['Person'] },
        ...input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
      ]);
      const incidents = await this.requireTickets(tx, input.incidentIds, 'Incident', 'input.incidentIds');
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
      await this.linkAll(tx, id, { AFFECTS: ciIds, OWNER: input.ownerId ? [input.ownerId] : [] });
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
      return this.reload(tx, id);
    });
  }

  async updateProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.updateProblemSchema, raw);
    return write(this.db, actor, { name: 'updateProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.lock(tx, input.id, 'Problem');
      if (p.status === 'CLOSED') throw new BadUserInputError(`problem ${p.number} is CLOSED`, 'input.id');
      await this.requireEntities(tx, [
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
      return this.reload(tx, p.id);
    });
  }

  async linkIncidentsToProblem(
    actor: Actor | null,
    problemId: string,
    incidentIds: readonly string[],
  ): Promise<TicketRecord> {
    if (!incidentIds.length) throw new BadUserInputError('give at least one incident', 'incidentIds');
    return write(this.db, actor, { name: 'linkIncidentsToProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.lock(tx, problemId, 'Problem');
      if (p.status === 'CLOSED') throw new BadUserInputError(`problem ${p.number} is CLOSED`, 'problemId');
      const incidents = await this.requireTickets(tx, incidentIds, 'Incident', 'incidentIds');
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
      return this.reload(tx, p.id);
    });
  }

  async transitionProblem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.transitionProblemSchema, raw);
    const registry = await this.registries.current();
    if (input.knownError?.ciClass && !registry.getClass(input.knownError.ciClass)) {
      throw new BadUserInputError(`unknown class ${input.knownError.ciClass}`, 'input.knownError.ciClass');
    }
    return write(this.db, actor, { name: 'transitionProblem', permission: 'servicedesk.write' }, async (tx) => {
      const p = await this.lock(tx, input.id, 'Problem');
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
          await this.requireEntities(
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
      return this.reload(tx, p.id);
    });
  }

  // ── Service requests ────────────────────────────────────────────────────────────────────────────────────
  async createCatalogItem(actor: Actor | null, raw: unknown): Promise<repo.CatalogItemRow> {
    const input = parseInput(v.createCatalogItemSchema, raw);
    return write(this.db, actor, { name: 'createCatalogItem', permission: 'servicedesk.admin' }, async (tx) => {
      await this.requireEntities(tx, [
        { id: input.serviceId, field: 'input.serviceId', classes: SERVICE_CLASSES },
        { id: input.fulfilmentGroupId, field: 'input.fulfilmentGroupId', classes: ['Group'] },
      ]);
      const id = randomUUID();
      await repo.createCatalogItem(tx, {
        id,
        name: input.name,
        description: input.description ?? null,
        requiresApproval: input.requiresApproval,
        approver: input.approver ?? null,
      });
      await repo.setLinks(tx, id, 'OFFERED_BY', [input.serviceId]);
      if (input.fulfilmentGroupId) await repo.setLinks(tx, id, 'FULFILLED_BY', [input.fulfilmentGroupId]);
      tx.audit({ entityType: 'CatalogItem', entityId: id, action: 'create', after: input });
      const [row] = await repo.catalogItems(tx, [id], null);
      return row as repo.CatalogItemRow;
    });
  }

  async requestItem(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.requestItemSchema, raw);
    return write(this.db, actor, { name: 'requestItem', permission: 'servicedesk.log' }, async (tx) => {
      const [item] = await repo.catalogItems(tx, [input.catalogItemId], null);
      if (!item)
        throw new BadUserInputError(`catalogue item ${input.catalogItemId} does not exist`, 'input.catalogItemId');
      await this.requireEntities(tx, [
        { id: input.requestedForId, field: 'input.requestedForId', classes: ['Person'] },
      ]);
      const id = randomUUID();
      const number = await repo.nextNumber(tx, 'ServiceRequest');
      const approval = item.requiresApproval ? 'PENDING' : 'NOT_REQUIRED';
      const status: TicketStatus = !item.requiresApproval && item.groupId ? 'ASSIGNED' : 'NEW';
      await repo.createTicket(tx, {
        id,
        kind: 'ServiceRequest',
        number,
        props: {
          title: input.title ?? item.name,
          description: input.description ?? null,
          status,
          approval,
          approver: item.approver,
          details: input.details ? JSON.stringify(input.details) : null,
        },
      });
      await this.linkAll(tx, id, {
        REQUESTS: [item.id],
        CALLER: input.requestedForId ? [input.requestedForId] : [],
        ASSIGNED_TO: status === 'ASSIGNED' && item.groupId ? [item.groupId] : [],
        REPORTED_FOR: [item.serviceId],
      });
      const journal = [
        entry(
          id,
          'TRANSITION',
          `requested by ${tx.actor.id}${item.requiresApproval ? `; waits for approval by ${item.approver}` : ''}`,
          null,
          'NEW',
        ),
      ];
      if (status === 'ASSIGNED')
        journal.push(entry(id, 'TRANSITION', 'assigned to the fulfilment group', 'NEW', 'ASSIGNED'));
      await repo.addJournal(tx, journal);
      tx.audit({
        entityType: 'ServiceRequest',
        entityId: id,
        action: 'create',
        after: { number, ...input, approval, status },
      });
      return this.reload(tx, id);
    });
  }

  async decideRequest(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.decideSchema, raw);
    return write(this.db, actor, { name: 'decideRequest', permission: 'change.approve' }, async (tx) => {
      const t = await this.lock(tx, input.id, 'ServiceRequest');
      if (t.props.approval !== 'PENDING')
        throw new BadUserInputError(
          `request ${t.number} is not waiting for approval (approval ${t.props.approval as string})`,
          'input.id',
        );
      if (t.props.approver !== tx.actor.id)
        throw new ForbiddenError(
          `request ${t.number} is approved by ${t.props.approver as string}, not ${tx.actor.id}`,
        );
      const journal = [
        entry(t.id, 'COMMENT', `${input.approve ? 'approved' : 'rejected'} by ${tx.actor.id}: ${input.comment}`),
      ];
      if (input.approve) {
        const [item] = await repo.catalogItems(tx, [t.itemId as string], null);
        const set: Record<string, unknown> = { approval: 'APPROVED', approvedAt: new Date().toISOString() };
        if (item?.groupId && t.status === 'NEW') {
          set.status = 'ASSIGNED';
          await repo.setLinks(tx, t.id, 'ASSIGNED_TO', [item.groupId]);
          journal.push(entry(t.id, 'TRANSITION', 'approved: assigned to the fulfilment group', 'NEW', 'ASSIGNED'));
        }
        await repo.updateTicket(tx, t.id, set);
      } else {
        await repo.updateTicket(tx, t.id, {
          approval: 'REJECTED',
          status: 'COMPLETED',
          completionCode: 'REJECTED',
          resolution: input.comment,
          completedAt: new Date().toISOString(),
        });
        journal.push(entry(t.id, 'TRANSITION', `rejected by ${tx.actor.id}`, t.status, 'COMPLETED'));
      }
      await repo.addJournal(tx, journal);
      tx.audit({
        entityType: 'ServiceRequest',
        entityId: t.id,
        action: input.approve ? 'approve' : 'reject',
        after: { comment: input.comment },
      });
      return this.reload(tx, t.id);
    });
  }
}

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));
}
