/**
 * The status model incidents and service requests share (seed 002): assignment, transitions with what each status
 * needs, and journal notes on any ticket.
 */
import type { Db } from '../../shared/db';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../shared/errors';
import { can, write, type Actor, type Permission } from '../../shared/write';
import { assertTicketInScope } from '../../shared/auth';
import { parseInput } from '../cmdb';
import * as repo from './tickets.repository';
import type { TicketRecord } from './tickets.repository';
import { journalEntry as entry, type TicketStore } from './ticket-store';
import * as v from './tickets.validation';
import { OPEN_TICKET_STATUSES, TICKET_TRANSITIONS, assertTransition, type TicketStatus } from './workflow';

export class TicketWorkflow {
  constructor(
    private readonly db: Db,
    private readonly store: TicketStore,
  ) {}

  async assign(actor: Actor | null, raw: unknown, kind: 'Incident' | 'ServiceRequest'): Promise<TicketRecord> {
    const input = parseInput(v.assignSchema, raw);
    const op = kind === 'Incident' ? 'assignIncident' : 'assignRequest';
    return write(this.db, actor, { name: op, permission: 'servicedesk.write' }, async (tx) => {
      const t = await this.store.lock(tx, input.id, kind);
      if (t.status === 'COMPLETED' || t.status === 'CLOSED')
        throw new BadUserInputError(
          `${t.number} is ${t.status}: reopen it (to ACCEPTED) before reassigning`,
          'input.id',
        );
      if (kind === 'ServiceRequest') assertApproved(t);
      await this.store.assertAssignable(tx, input.groupId, input.assigneeId);
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
      return this.store.reload(tx, t.id);
    });
  }

  /** The shared status model of incidents and service requests (seed 002), with what each status needs. */
  async transition(actor: Actor | null, raw: unknown, kind: 'Incident' | 'ServiceRequest'): Promise<TicketRecord> {
    const input = parseInput(v.transitionTicketSchema, raw);
    const op = kind === 'Incident' ? 'transitionIncident' : 'transitionRequest';
    // Customers may confirm closure (or refuse it) of their tickets; everything else is the service desk's.
    const permission: Permission =
      input.to === 'CLOSED' || input.to === 'ACCEPTED' ? 'servicedesk.log' : 'servicedesk.write';
    return write(this.db, actor, { name: op, permission }, async (tx) => {
      const t = await this.store.lock(tx, input.id, kind);
      assertTicketInScope(tx.actor, t, op);
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
      if (kind === 'ServiceRequest') assertApproved(t);
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
      return this.store.reload(tx, t.id);
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
      assertTicketInScope(tx.actor, t, 'addNote');
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
}

/** A service request is worked only once its approver approved it (or it needs no approval). */
function assertApproved(t: TicketRecord): void {
  const approval = t.props.approval as string;
  if (approval === 'PENDING')
    throw new BadUserInputError(`request ${t.number} waits for approval by ${t.props.approver as string}`, 'input.id');
  if (approval === 'REJECTED')
    throw new BadUserInputError(`request ${t.number} was rejected by its approver`, 'input.id');
}
