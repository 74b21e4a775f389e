/**
 * Service requests from the catalogue (seed 002): catalogue items offered by a service and fulfilled by a group,
 * requests that wait for their approver when the item says so, and the approver's decision.
 */
import { randomUUID } from 'node:crypto';
import { assertTicketInScope } from '../../shared/auth';
import type { Db } from '../../shared/db';
import { BadUserInputError, ForbiddenError } from '../../shared/errors';
import { write, type Actor } from '../../shared/write';
import { parseInput, type RegistryStore } from '../cmdb';
import * as repo from './tickets.repository';
import type { TicketRecord } from './tickets.repository';
import { journalEntry as entry, type TicketStore } from './ticket-store';
import * as v from './tickets.validation';
import type { TicketStatus } from './workflow';

export class RequestService {
  constructor(
    private readonly db: Db,
    private readonly store: TicketStore,
    private readonly registries: RegistryStore,
  ) {}

  async catalog(serviceId: string | null | undefined): Promise<repo.CatalogItemRow[]> {
    return this.db.readTx((tx) => repo.catalogItems(tx, null, serviceId ?? null), { operation: 'serviceCatalog' });
  }

  async catalogItemsById(ids: readonly string[]): Promise<repo.CatalogItemRow[]> {
    return this.db.readTx((tx) => repo.catalogItems(tx, ids, null), { operation: 'catalogItems' });
  }

  async createCatalogItem(actor: Actor | null, raw: unknown): Promise<repo.CatalogItemRow> {
    const input = parseInput(v.createCatalogItemSchema, raw);
    const serviceClasses = (await this.registries.current()).serviceClasses();
    return write(this.db, actor, { name: 'createCatalogItem', permission: 'servicedesk.admin' }, async (tx) => {
      await this.store.requireEntities(tx, [
        { id: input.serviceId, field: 'input.serviceId', classes: serviceClasses },
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
      await this.store.requireEntities(tx, [
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
      await this.store.linkAll(tx, id, {
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
      return this.store.reload(tx, id);
    });
  }

  async decideRequest(actor: Actor | null, raw: unknown): Promise<TicketRecord> {
    const input = parseInput(v.decideSchema, raw);
    return write(this.db, actor, { name: 'decideRequest', permission: 'change.approve' }, async (tx) => {
      const t = await this.store.lock(tx, input.id, 'ServiceRequest');
      assertTicketInScope(tx.actor, t, 'decideRequest');
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
      return this.store.reload(tx, t.id);
    });
  }
}
