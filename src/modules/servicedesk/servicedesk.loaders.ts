/** Per-request DataLoaders of the service desk: tickets, journals, work orders, approvals and deployments by id. */
import DataLoader from 'dataloader';
import type { ChangeService } from './change.service';
import type { TicketService } from './tickets.service';
import type { TicketRecord, JournalRow, CatalogItemRow } from './tickets.repository';
import type { ApprovalRow, DeploymentRow, WorkOrderRow } from './change.repository';

export interface TicketLoaders {
  ticket: DataLoader<string, TicketRecord | null>;
  journal: DataLoader<string, JournalRow[]>;
  workOrders: DataLoader<string, WorkOrderRow[]>;
  approvals: DataLoader<string, ApprovalRow[]>;
  deployments: DataLoader<string, DeploymentRow[]>;
  catalogItem: DataLoader<string, CatalogItemRow | null>;
}

function grouped<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const by = new Map<string, T[]>();
  for (const row of rows) by.set(keyOf(row), [...(by.get(keyOf(row)) ?? []), row]);
  return keys.map((k) => by.get(k) ?? []);
}

export function createTicketLoaders(tickets: TicketService, changes: ChangeService): TicketLoaders {
  return {
    ticket: new DataLoader(async (ids) => {
      const found = new Map((await tickets.tickets(ids)).map((t) => [t.id, t]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    journal: new DataLoader(async (ids) => grouped(ids, await tickets.journal(ids), (r) => r.ticketId)),
    workOrders: new DataLoader(async (ids) => grouped(ids, await changes.workOrders(ids), (r) => r.changeId)),
    approvals: new DataLoader(async (ids) => grouped(ids, await changes.approvals(ids), (r) => r.changeId)),
    deployments: new DataLoader(async (ids) => grouped(ids, await changes.deployments(ids), (r) => r.releaseId)),
    catalogItem: new DataLoader(async (ids) => {
      const found = new Map((await tickets.catalogItemsById(ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
