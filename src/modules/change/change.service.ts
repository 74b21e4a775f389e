/**
 * Change and release management (seed 000): every change carries its work orders, is authorized online by named
 * approvers (the CAB, or the smaller emergency CAB), sits on the Forward Schedule of Change clear of blackouts,
 * updates the CMDB through itself while it is implemented, and closes with an outcome and a review. Releases move
 * through test environments to production, authorized by their changes.
 */
import { randomUUID } from 'node:crypto';
import { assertTicketInScope } from '../../shared/auth';
import type { Db, Tx } from '../../shared/db';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors';
import { write, type Actor, type WriteTx } from '../../shared/write';
import { parseInput, type ChangeGate, type CmdbService } from '../cmdb';
import type { AnalysisService, ChangeConflictRecord } from '../analysis';
import {
  journalEntry as journal,
  type TicketConnectionRecord,
  type TicketImpact,
  type TicketRecord,
  type TicketService,
  type TicketStore,
  APPROVED_CHANGE_STATUSES,
  CHANGE_STATUSES,
  CHANGE_TRANSITIONS,
  ENVIRONMENTS,
  PLANNING_WORK_ORDERS,
  WORK_ORDER_KINDS,
  assertTransition,
  deploymentViolation,
  riskOf,
  type ChangeRisk,
  type ChangeStatus,
  type ChangeType,
  type Environment,
  type WorkOrderKind,
} from '../tickets';
import * as changes from './change.repository';
import * as v from './change.validation';

/** The change's risk from the impact of taking its CIs down (each customer's services with their states). */
function riskFromImpact(type: ChangeType, impact: TicketImpact): ChangeRisk {
  const stateOf = new Map(impact.services.map((s) => [s.id, s.state]));
  return riskOf(
    type,
    impact.services,
    impact.customers.map((c) => ({ services: c.serviceIds.map((id) => ({ state: stateOf.get(id) ?? 'DOWN' })) })),
  );
}

export class ChangeService implements ChangeGate {
  private readonly store: TicketStore;

  constructor(
    private readonly db: Db,
    private readonly analysis: AnalysisService,
    private readonly tickets: TicketService,
    private readonly cmdb: CmdbService,
  ) {
    this.store = tickets.store;
  }

  // ── The CMDB's change gate ──────────────────────────────────────────────────────────────────────────────
  async check(
    tx: WriteTx,
    changeId: string,
    ciIds: readonly string[],
    field: string,
    mode: 'all' | 'any',
  ): Promise<void> {
    const [c] = await this.store.find(tx, [changeId]);
    if (!c || c.kind !== 'Change') throw new BadUserInputError(`change ${changeId} does not exist`, field);
    if (c.status !== 'IMPLEMENTING') {
      throw new BadUserInputError(
        `change ${c.number} is ${c.status}: CMDB edits under a change are authorized only while it is IMPLEMENTING (startChange)`,
        field,
      );
    }
    const outside = ciIds.filter((id) => !c.ciIds.includes(id));
    if (mode === 'all' ? outside.length > 0 : ciIds.length > 0 && outside.length === ciIds.length) {
      throw new BadUserInputError(
        `change ${c.number} does not modify ${outside.join(', ')}: add the CI(s) to a change before editing them`,
        field,
      );
    }
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────────────────
  async list(
    statuses: readonly ChangeStatus[] | null | undefined,
    first: number | null | undefined,
  ): Promise<TicketRecord[]> {
    return this.tickets.list('Change', statuses ? [...statuses] : null, first);
  }

  async releases(first: number | null | undefined): Promise<TicketRecord[]> {
    return this.tickets.list('Release', null, first);
  }

  /** Changes in the order they were raised, as a connection (`first` rows after the cursor `after`). */
  connection(
    statuses: readonly ChangeStatus[] | null | undefined,
    args: { first?: number | null; after?: string | null },
  ): Promise<TicketConnectionRecord> {
    return this.tickets.connection('Change', { statuses: statuses ? [...statuses] : null }, args);
  }

  /** Releases in the order they were created, as a connection. */
  releasesConnection(args: { first?: number | null; after?: string | null }): Promise<TicketConnectionRecord> {
    return this.tickets.connection('Release', {}, args);
  }

  async workOrders(changeIds: readonly string[]): Promise<changes.WorkOrderRow[]> {
    return this.db.readTx((tx) => changes.workOrdersOf(tx, changeIds), { operation: 'workOrders' });
  }

  async approvals(changeIds: readonly string[]): Promise<changes.ApprovalRow[]> {
    return this.db.readTx((tx) => changes.approvalsOf(tx, changeIds), { operation: 'approvals' });
  }

  async deployments(releaseIds: readonly string[]): Promise<changes.DeploymentRow[]> {
    return this.db.readTx((tx) => changes.deploymentsOf(tx, releaseIds), { operation: 'deployments' });
  }

  async ciReleases(ciId: string): Promise<changes.DeploymentRow[]> {
    return this.db.readTx((tx) => changes.deploymentsOnCI(tx, ciId), { operation: 'ciReleases' });
  }

  async revisionsUnder(changeId: string): Promise<Array<{ ciId: string; revision: number }>> {
    return this.db.readTx((tx) => changes.revisionsUnder(tx, changeId), { operation: 'cmdbUpdates' });
  }

  /** Other live changes in the same window touching the same CIs, CIs it takes down, or the same services or customers. */
  async conflicts(change: TicketRecord): Promise<ChangeConflictRecord[]> {
    const start = change.props.plannedStart as string | null;
    const end = change.props.plannedEnd as string | null;
    if (!start || !end || !change.ciIds.length) return [];
    const result = await this.analysis.changeImpact({
      ciIds: change.ciIds,
      window: { start, end },
      excludeChangeId: change.id,
    });
    return result.conflicts;
  }

  /** Blackout windows its window overlaps, on its CIs or the services it affects. */
  async blackouts(change: TicketRecord, tx?: Tx): Promise<changes.BlackoutRow[]> {
    const start = change.props.plannedStart as string | null;
    const end = change.props.plannedEnd as string | null;
    if (!start || !end) return [];
    const ids = [...new Set([...change.ciIds, ...change.services.map((s) => s.id)])];
    if (tx) return changes.blackoutsOverlapping(tx, start, end, ids);
    return this.db.readTx((t) => changes.blackoutsOverlapping(t, start, end, ids), { operation: 'blackouts' });
  }

  async schedule(from: string, to: string): Promise<{ changeIds: string[]; blackouts: changes.BlackoutRow[] }> {
    parseInput(v.moment, from, 'from');
    parseInput(v.moment, to, 'to');
    if (Date.parse(from) >= Date.parse(to)) throw new BadUserInputError('must be after from', 'to');
    return this.db.readTx(
      async (tx) => ({
        changeIds: await changes.changesInWindow(
          tx,
          from,
          to,
          CHANGE_STATUSES.filter((s) => s !== 'CANCELLED' && s !== 'REJECTED'),
          1000,
        ),
        blackouts: await changes.blackoutsOverlapping(tx, from, to, null),
      }),
      { operation: 'changeSchedule' },
    );
  }

  private async missingWorkOrders(tx: Tx, changeId: string, kinds: readonly WorkOrderKind[]): Promise<WorkOrderKind[]> {
    const present = new Set((await changes.workOrdersOf(tx, [changeId])).map((w) => w.kind));
    return kinds.filter((k) => !present.has(k));
  }

  async missing(changeId: string): Promise<WorkOrderKind[]> {
    return this.db.readTx((tx) => this.missingWorkOrders(tx, changeId, WORK_ORDER_KINDS), {
      operation: 'missingWorkOrders',
    });
  }

  // ── Changes ─────────────────────────────────────────────────────────────────────────────────────────────
  async createChange(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.createChangeSchema, raw);
    await this.db.readTx(
      (tx) =>
        this.store.requireEntities(
          tx,
          input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
        ),
      { operation: 'createChange' },
    );
    const impact = await this.store.impactOf(input.ciIds, 'DOWN', 'input.ciIds');
    const risk = riskFromImpact(input.type, impact);
    return write(this.db, actor, { name: 'createChange', permission: 'change.manage' }, async (tx) => {
      const problems = await this.store.requireTickets(tx, input.problemIds, 'Problem', 'input.problemIds');
      const id = randomUUID();
      const number = await this.store.create(tx, id, 'Change', {
        title: input.title,
        description: input.description ?? null,
        type: input.type,
        status: 'NEW',
        risk,
      });
      await changes.setWindow(tx, id, input.plannedStart ?? null, input.plannedEnd ?? null);
      await this.store.setLinks(tx, id, 'MODIFIES', input.ciIds);
      if (problems.length)
        await this.store.setLinks(
          tx,
          id,
          'RESOLVES',
          problems.map((p) => p.id),
        );
      await this.store.setImpact(tx, id, impact);
      await this.store.addJournal(tx, [
        journal(
          id,
          'TRANSITION',
          `${input.type.toLowerCase()} change raised${problems.length ? ` to resolve ${problems.map((p) => p.number).join(', ')}` : ''}; risk ${risk}`,
          null,
          'NEW',
        ),
        ...problems.map((p) => journal(p.id, 'WORK_NOTE', `change ${number} raised to resolve it`)),
      ]);
      tx.audit({ entityType: 'Change', entityId: id, action: 'create', after: { number, ...input, risk } });
      return this.store.reload(tx, id);
    });
  }

  async updateChange(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.updateChangeSchema, raw);
    const current = (await this.tickets.tickets([input.id]))[0];
    if (!current || current.kind !== 'Change') throw new NotFoundError('Change', input.id);
    if (input.ciIds) {
      await this.db.readTx(
        (tx) =>
          this.store.requireEntities(
            tx,
            input.ciIds!.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
          ),
        { operation: 'updateChange' },
      );
    }
    const impact = input.ciIds ? await this.store.impactOf(input.ciIds, 'DOWN', 'input.ciIds') : null;
    return write(this.db, actor, { name: 'updateChange', permission: 'change.manage' }, async (tx) => {
      const c = await this.store.lock(tx, input.id, 'Change');
      if (c.status !== 'NEW')
        throw new BadUserInputError(
          `change ${c.number} is ${c.status}: it can be edited only while NEW (what the CAB approved stays as approved)`,
          'input.id',
        );
      const set: Record<string, unknown> = {};
      if (input.title) set.title = input.title;
      if (input.description !== undefined) set.description = input.description;
      const start = input.plannedStart === undefined ? (c.props.plannedStart as string | null) : input.plannedStart;
      const end = input.plannedEnd === undefined ? (c.props.plannedEnd as string | null) : input.plannedEnd;
      if (start && end && Date.parse(start) >= Date.parse(end))
        throw new BadUserInputError('must be after plannedStart', 'input.plannedEnd');
      if (impact && input.ciIds) {
        set.risk = riskFromImpact(c.props.type as ChangeType, impact);
        await this.store.setLinks(tx, c.id, 'MODIFIES', input.ciIds);
        await this.store.setImpact(tx, c.id, impact);
      }
      await this.store.update(tx, c.id, set);
      await changes.setWindow(tx, c.id, start ?? null, end ?? null);
      tx.audit({
        entityType: 'Change',
        entityId: c.id,
        action: 'update',
        after: { ...set, plannedStart: start, plannedEnd: end, ciIds: input.ciIds },
      });
      return this.store.reload(tx, c.id);
    });
  }

  async setWorkOrder(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.setWorkOrderSchema, raw);
    if (input.kind === 'AUTHORIZATION')
      throw new BadUserInputError(
        'the AUTHORIZATION work order is recorded by the CAB approvals (submitChange, approveChange)',
        'input.kind',
      );
    return write(this.db, actor, { name: 'setWorkOrder', permission: 'change.manage' }, async (tx) => {
      const c = await this.store.lock(tx, input.changeId, 'Change');
      if (c.status !== 'NEW')
        throw new BadUserInputError(
          `change ${c.number} is ${c.status}: work orders are written while it is NEW, before the CAB sees them`,
          'input.changeId',
        );
      await changes.setWorkOrder(tx, c.id, randomUUID(), input.kind, input.content);
      await this.store.update(tx, c.id, {});
      tx.audit({ entityType: 'Change', entityId: c.id, action: 'work-order', after: { kind: input.kind } });
      return this.store.reload(tx, c.id);
    });
  }

  async submit(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.submitChangeSchema, raw);
    const current = (await this.tickets.tickets([input.id]))[0];
    if (!current || current.kind !== 'Change') throw new NotFoundError('Change', input.id);
    // The CMDB may have moved since the change was raised: its risk is assessed again for the CAB.
    const impact = await this.store.impactOf(current.ciIds, 'DOWN', 'input.id');
    return write(this.db, actor, { name: 'submitChange', permission: 'change.manage' }, async (tx) => {
      const c = await this.store.lock(tx, input.id, 'Change');
      const type = c.props.type as ChangeType;
      const to: ChangeStatus = type === 'STANDARD' ? 'AUTHORIZED' : 'ASSESSMENT';
      assertTransition(`change ${c.number}`, CHANGE_TRANSITIONS, c.status as ChangeStatus, to, 'input.id');
      const missing = await this.missingWorkOrders(tx, c.id, PLANNING_WORK_ORDERS);
      if (missing.length)
        throw new BadUserInputError(
          `change ${c.number} lacks the work order(s) ${missing.join(', ')}: every change carries them`,
          'input.id',
          { missing },
        );
      if (!c.props.plannedStart || !c.props.plannedEnd)
        throw new BadUserInputError(
          `change ${c.number} has no planned window: set plannedStart and plannedEnd`,
          'input.id',
        );
      const settings = await this.tickets.settings.current(tx);
      const risk = riskFromImpact(type, impact);
      await this.store.setImpact(tx, c.id, impact);
      const entries = [];
      if (type === 'STANDARD') {
        if (input.approvers.length)
          throw new BadUserInputError('a standard change is pre-authorized: it takes no approvers', 'input.approvers');
        await changes.setWorkOrder(
          tx,
          c.id,
          randomUUID(),
          'AUTHORIZATION',
          `Pre-authorized standard change, submitted by ${tx.actor.id}`,
        );
        entries.push(journal(c.id, 'TRANSITION', 'standard change: pre-authorized', c.status, to));
      } else {
        const minimum = type === 'EMERGENCY' ? settings.ecabMinimumApprovers : settings.cabMinimumApprovers;
        const board = type === 'EMERGENCY' ? 'the emergency CAB' : 'the CAB';
        if (input.approvers.length < minimum) {
          throw new BadUserInputError(
            `a ${type.toLowerCase()} change needs at least ${minimum} named approver(s) (${board}); got ${input.approvers.length}`,
            'input.approvers',
          );
        }
        const names = input.approvers.map((a) => a.approver);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup) throw new BadUserInputError(`${dup} is named twice`, 'input.approvers');
        await changes.setApprovals(
          tx,
          c.id,
          input.approvers.map((a) => ({ id: randomUUID(), approver: a.approver, role: a.role ?? null })),
        );
        entries.push(
          journal(
            c.id,
            'TRANSITION',
            `sent to ${board}: ${input.approvers.map((a) => `${a.approver}${a.role ? ` (${a.role})` : ''}`).join(', then ')}`,
            c.status,
            to,
          ),
        );
      }
      await this.store.update(tx, c.id, { status: to, risk, submittedAt: new Date().toISOString() });
      await this.store.addJournal(tx, entries);
      tx.audit({
        entityType: 'Change',
        entityId: c.id,
        action: 'submit',
        before: { status: c.status },
        after: { status: to, risk, approvers: input.approvers },
      });
      return this.store.reload(tx, c.id);
    });
  }

  async decide(actor: Actor | null, raw: unknown, decision: 'APPROVED' | 'REJECTED'): Promise<TicketRecord> {
    const input = parseInput(v.decisionSchema, raw);
    const op = decision === 'APPROVED' ? 'approveChange' : 'rejectChange';
    return write(this.db, actor, { name: op, permission: 'change.approve' }, async (tx) => {
      const c = await this.store.lock(tx, input.id, 'Change');
      assertTicketInScope(tx.actor, c, op);
      if (c.status !== 'ASSESSMENT')
        throw new BadUserInputError(
          `change ${c.number} is ${c.status}: approvals are given while it is in ASSESSMENT`,
          'input.id',
        );
      const approvals = await changes.approvalsOf(tx, [c.id]);
      const mine = approvals.find((a) => a.approver === tx.actor.id);
      if (!mine)
        throw new ForbiddenError(
          `${tx.actor.id} is not a named approver of change ${c.number} (approvers: ${approvals.map((a) => a.approver).join(', ')})`,
        );
      if (mine.state !== 'PENDING')
        throw new BadUserInputError(
          `${tx.actor.id} already ${mine.state.toLowerCase()} change ${c.number}`,
          'input.id',
        );
      const next = approvals.find((a) => a.state === 'PENDING') as changes.ApprovalRow;
      if (decision === 'APPROVED' && next.id !== mine.id) {
        throw new BadUserInputError(
          `approvals are given in order: change ${c.number} waits for ${next.approver}${next.role ? ` (${next.role})` : ''} first`,
          'input.id',
        );
      }
      await changes.decideApproval(tx, mine.id, decision, input.comment);
      const entries = [
        journal(
          c.id,
          'COMMENT',
          `${decision === 'APPROVED' ? 'approved' : 'rejected'} by ${tx.actor.id}${mine.role ? ` (${mine.role})` : ''}: ${input.comment}`,
        ),
      ];
      let status = c.status as ChangeStatus;
      if (decision === 'REJECTED') {
        status = 'REJECTED';
        entries.push(journal(c.id, 'TRANSITION', `rejected by ${tx.actor.id}`, c.status, status));
      } else if (approvals.every((a) => a.id === mine.id || a.state === 'APPROVED')) {
        status = 'AUTHORIZED';
        const all = approvals.map((a) => (a.id === mine.id ? { ...a, comment: input.comment } : a));
        await changes.setWorkOrder(
          tx,
          c.id,
          randomUUID(),
          'AUTHORIZATION',
          all.map((a) => `Approved by ${a.approver}${a.role ? ` (${a.role})` : ''}: ${a.comment ?? ''}`).join('\n'),
        );
        entries.push(journal(c.id, 'TRANSITION', 'every approver approved', c.status, status));
      }
      await this.store.update(tx, c.id, { status });
      await this.store.addJournal(tx, entries);
      tx.audit({
        entityType: 'Change',
        entityId: c.id,
        action: decision === 'APPROVED' ? 'approve' : 'reject',
        after: { approver: tx.actor.id, comment: input.comment, status },
      });
      return this.store.reload(tx, c.id);
    });
  }

  async scheduleChange(actor: Actor | null, id: string): Promise<TicketRecord> {
    const current = (await this.tickets.tickets([id]))[0];
    if (!current || current.kind !== 'Change') throw new NotFoundError('Change', id);
    const conflicts = await this.conflicts(current);
    return write(this.db, actor, { name: 'scheduleChange', permission: 'change.manage' }, async (tx) => {
      const c = await this.store.lock(tx, id, 'Change');
      assertTransition(`change ${c.number}`, CHANGE_TRANSITIONS, c.status as ChangeStatus, 'SCHEDULED', 'id');
      const missing = await this.missingWorkOrders(tx, c.id, WORK_ORDER_KINDS);
      if (missing.length)
        throw new BadUserInputError(
          `change ${c.number} cannot be scheduled without the work order(s) ${missing.join(', ')}`,
          'id',
          { missing },
        );
      const blackouts = await this.blackouts(c, tx);
      const entries = [];
      if (blackouts.length) {
        const names = blackouts.map((b) => `${b.name} (${b.start} – ${b.end})`).join(', ');
        if (c.props.type !== 'EMERGENCY') {
          throw new ConflictError(
            `change ${c.number}'s window overlaps blackout window(s) ${names} on its CIs or services: move the window`,
            { blackoutIds: blackouts.map((b) => b.id) },
          );
        }
        entries.push(journal(c.id, 'WORK_NOTE', `emergency change scheduled inside blackout window(s) ${names}`));
      }
      if (conflicts.length)
        entries.push(
          journal(
            c.id,
            'WORK_NOTE',
            `scheduled with ${conflicts.length} conflict(s): ${conflicts.map((x) => `${x.number ?? x.changeId} — ${x.reason}`).join('; ')}`,
          ),
        );
      entries.push(journal(c.id, 'TRANSITION', 'on the Forward Schedule of Change', c.status, 'SCHEDULED'));
      await this.store.update(tx, c.id, { status: 'SCHEDULED' });
      await this.store.addJournal(tx, entries);
      tx.audit({
        entityType: 'Change',
        entityId: c.id,
        action: 'schedule',
        before: { status: c.status },
        after: { status: 'SCHEDULED', conflicts: conflicts.map((x) => x.changeId) },
      });
      return this.store.reload(tx, c.id);
    });
  }

  private async move(
    actor: Actor | null,
    id: string,
    operation: string,
    to: ChangeStatus,
    set: Record<string, unknown>,
    text: string,
    field = 'id',
  ): Promise<TicketRecord> {
    return write(this.db, actor, { name: operation, permission: 'change.manage' }, async (tx) => {
      const c = await this.store.lock(tx, id, 'Change');
      assertTransition(`change ${c.number}`, CHANGE_TRANSITIONS, c.status as ChangeStatus, to, field);
      await this.store.update(tx, c.id, { ...set, status: to });
      await this.store.addJournal(tx, [journal(c.id, 'TRANSITION', text, c.status, to)]);
      tx.audit({
        entityType: 'Change',
        entityId: c.id,
        action: operation,
        before: { status: c.status },
        after: { ...set, status: to },
      });
      return this.store.reload(tx, c.id);
    });
  }

  async start(actor: Actor | null, id: string): Promise<TicketRecord> {
    return this.move(
      actor,
      id,
      'startChange',
      'IMPLEMENTING',
      { implementationStartedAt: new Date().toISOString() },
      'implementation started',
    );
  }

  async complete(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.completeChangeSchema, raw);
    return this.move(
      actor,
      input.id,
      'completeChange',
      'REVIEW',
      { outcome: input.outcome, outcomeNotes: input.notes ?? null, implementedAt: new Date().toISOString() },
      `implemented: ${input.outcome}${input.notes ? ` — ${input.notes}` : ''}`,
      'input.id',
    );
  }

  async close(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.closeChangeSchema, raw);
    return this.move(
      actor,
      input.id,
      'closeChange',
      'CLOSED',
      { review: input.review, closedAt: new Date().toISOString() },
      'post-implementation review recorded',
      'input.id',
    );
  }

  async cancel(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.cancelChangeSchema, raw);
    return this.move(
      actor,
      input.id,
      'cancelChange',
      'CANCELLED',
      { cancelReason: input.reason },
      `cancelled: ${input.reason}`,
      'input.id',
    );
  }

  async createBlackout(actor: Actor | null, raw: unknown): Promise<changes.BlackoutRow> {
    const input = parseInput(v.blackoutSchema, raw);
    return write(this.db, actor, { name: 'createBlackoutWindow', permission: 'change.manage' }, async (tx) => {
      await this.store.requireEntities(
        tx,
        input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
      );
      const row = {
        id: randomUUID(),
        name: input.name,
        start: input.start,
        end: input.end,
        reason: input.reason ?? null,
        ciIds: input.ciIds,
      };
      await changes.createBlackout(tx, row);
      tx.audit({ entityType: 'BlackoutWindow', entityId: row.id, action: 'create', after: row });
      const [found] = (await changes.blackoutsOverlapping(tx, input.start, input.end, input.ciIds)).filter(
        (b) => b.id === row.id,
      );
      return found as changes.BlackoutRow;
    });
  }

  // ── Releases ────────────────────────────────────────────────────────────────────────────────────────────
  async createRelease(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.createReleaseSchema, raw);
    return write(this.db, actor, { name: 'createRelease', permission: 'servicedesk.write' }, async (tx) => {
      const linked = await this.store.requireTickets(tx, input.changeIds, 'Change', 'input.changeIds');
      await this.store.requireEntities(
        tx,
        input.ciIds.map((id, i) => ({ id, field: `input.ciIds.${i}`, ci: true })),
      );
      const id = randomUUID();
      const number = await this.store.create(tx, id, 'Release', {
        title: input.name,
        version: input.version,
        pack: input.pack,
        status: 'PLANNED',
      });
      await this.store.setLinks(
        tx,
        id,
        'INCLUDES',
        linked.map((c) => c.id),
      );
      await this.store.setLinks(tx, id, 'INSTALLS_ON', input.ciIds);
      await this.store.addJournal(tx, [
        journal(id, 'TRANSITION', `release ${input.name} ${input.version} planned`, null, 'PLANNED'),
      ]);
      tx.audit({ entityType: 'Release', entityId: id, action: 'create', after: { number, ...input } });
      return this.store.reload(tx, id);
    });
  }

  async deploy(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.deployReleaseSchema, raw);
    const current = (await this.tickets.tickets([input.id]))[0];
    if (!current || current.kind !== 'Release') throw new NotFoundError('Release', input.id);
    const changeIds = current.links.filter(([t]) => t === 'INCLUDES').map(([, id]) => id);
    const linked = await this.tickets.tickets(changeIds);
    // Environment order first (checked again under the release's lock below).
    const before = deploymentViolation(
      (await this.deployments([current.id])).map((d) => d.environment as Environment),
      input.environment,
    );
    if (before) throw new BadUserInputError(`release ${current.number}: ${before}`, 'input.environment');
    // A production deployment updates the CMDB under a linked change in implementation (so each CI's history names it).
    let underChange: TicketRecord | null = null;
    if (input.environment === 'PRODUCTION') {
      const unapproved = linked.filter((c) => !APPROVED_CHANGE_STATUSES.includes(c.status as ChangeStatus));
      if (unapproved.length) {
        throw new BadUserInputError(
          `release ${current.number} cannot reach PRODUCTION: change(s) ${unapproved.map((c) => `${c.number} (${c.status})`).join(', ')} not approved`,
          'input.environment',
        );
      }
      if (input.changeId) {
        underChange = linked.find((c) => c.id === input.changeId) ?? null;
        if (!underChange)
          throw new BadUserInputError(
            `change ${input.changeId} is not linked to release ${current.number}`,
            'input.changeId',
          );
      } else {
        const implementing = linked.filter((c) => c.status === 'IMPLEMENTING');
        if (implementing.length !== 1) {
          throw new BadUserInputError(
            `name the change under which production is updated: ${implementing.length} linked change(s) are IMPLEMENTING (start the change first)`,
            'input.changeId',
          );
        }
        underChange = implementing[0]!;
      }
    }
    return write(
      this.db,
      actor,
      { name: 'deployRelease', permission: 'servicedesk.write', changeId: underChange?.id ?? null },
      async (tx) => {
        const r = await this.store.lock(tx, input.id, 'Release');
        const deployed = (await changes.deploymentsOf(tx, [r.id])).map((d) => d.environment as Environment);
        const violation = deploymentViolation(deployed, input.environment);
        if (violation)
          throw new BadUserInputError(`release ${r.number}: ${violation}`, 'input.environment', { deployed });
        const entries = [];
        if (underChange) {
          await this.check(tx, underChange.id, r.ciIds, 'input.changeId', 'all');
          await this.cmdb.setVersionsIn(tx, r.ciIds, r.props.version as string);
          entries.push(
            journal(
              underChange.id,
              'WORK_NOTE',
              `release ${r.number} (${r.props.version as string}) deployed to production on ${r.ciIds.length} CI(s)`,
            ),
          );
        }
        await changes.addDeployment(tx, {
          id: randomUUID(),
          releaseId: r.id,
          environment: input.environment,
          version: r.props.version as string,
          changeId: underChange?.id ?? null,
          ciIds: input.environment === 'PRODUCTION' ? r.ciIds : [],
        });
        const highest = ENVIRONMENTS[
          Math.max(...[...deployed, input.environment].map((e) => ENVIRONMENTS.indexOf(e)))
        ] as Environment;
        await this.store.update(tx, r.id, { status: highest });
        entries.push(journal(r.id, 'TRANSITION', `deployed to ${input.environment}`, r.status, highest));
        await this.store.addJournal(tx, entries);
        tx.audit({
          entityType: 'Release',
          entityId: r.id,
          action: 'deploy',
          after: { environment: input.environment, changeId: underChange?.id ?? null },
        });
        return this.store.reload(tx, r.id);
      },
    );
  }
}
