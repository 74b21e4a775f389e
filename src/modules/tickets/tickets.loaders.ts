/** Per-request DataLoaders of tickets: tickets (of every kind), journals and catalogue items by id. */
import DataLoader from 'dataloader';
import type { TicketService } from './tickets.service';
import type { TicketRecord, JournalRow, CatalogItemRow } from './tickets.repository';

export interface TicketLoaders {
  ticket: DataLoader<string, TicketRecord | null>;
  journal: DataLoader<string, JournalRow[]>;
  catalogItem: DataLoader<string, CatalogItemRow | null>;
}

/** Rows grouped under their keys, in the keys' order (DataLoader's contract). */
function grouped<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const by = new Map<string, T[]>();
  for (const row of rows) by.set(keyOf(row), [...(by.get(keyOf(row)) ?? []), row]);
  return keys.map((k) => by.get(k) ?? []);
}

export function createTicketLoaders(tickets: TicketService): TicketLoaders {
  return {
    ticket: new DataLoader(async (ids) => {
      const found = new Map((await tickets.tickets(ids)).map((t) => [t.id, t]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    journal: new DataLoader(async (ids) => grouped(ids, await tickets.journal(ids), (r) => r.ticketId)),
    catalogItem: new DataLoader(async (ids) => {
      const found = new Map((await tickets.requests.catalogItemsById(ids)).map((i) => [i.id, i]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
