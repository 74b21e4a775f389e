/** Narrowing a ticket of any kind to the kind a GraphQL field promises, checked at run time (never a cast). */
import { isKind, type TicketKind, type TicketOf, type TicketRecord } from './tickets.repository';
import type { ConnectionRecord } from '../../shared/graphql/connection';

/** The ticket, which a service returns for this kind; a ticket of another kind is a programming fault. */
export function expectKind<K extends TicketKind>(kind: K, t: TicketRecord): TicketOf<K> {
  if (!isKind(t, kind)) throw new Error(`expected a ${kind}, got ${t.kind} ${t.id}`);
  return t;
}

export async function oneOfKind<K extends TicketKind>(kind: K, t: Promise<TicketRecord>): Promise<TicketOf<K>> {
  return expectKind(kind, await t);
}

export async function allOfKind<K extends TicketKind>(kind: K, ts: Promise<TicketRecord[]>): Promise<TicketOf<K>[]> {
  return (await ts).map((t) => expectKind(kind, t));
}

export async function pageOfKind<K extends TicketKind>(
  kind: K,
  page: Promise<ConnectionRecord<TicketRecord>>,
): Promise<ConnectionRecord<TicketOf<K>>> {
  const c = await page;
  return { ...c, nodes: c.nodes.map((t) => expectKind(kind, t)) };
}

/** The ticket when it is of this kind, else null (a lookup by id answers null for another kind's id). */
export function ofKind<K extends TicketKind>(t: TicketRecord | null | undefined, kind: K): TicketOf<K> | null {
  return isKind(t, kind) ? t : null;
}

/** The loaded tickets of this kind (links of one type point at one kind). */
export function onlyKind<K extends TicketKind>(ts: readonly TicketRecord[], kind: K): TicketOf<K>[] {
  return ts.filter((t): t is TicketOf<K> => isKind(t, kind));
}
