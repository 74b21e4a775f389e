/**
 * The one write path. Every mutation runs through `write`: it knows the actor, authorizes, opens the write
 * transaction, and appends the audit entries the work recorded in that same transaction. Effects outside the
 * database (mail, webhooks, timers) are queued with `afterCommit` and run only once the transaction committed —
 * the driver may re-run the work on transient failures, so the work itself must not have outside effects.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db';
import { UnauthenticatedError } from '../errors';
import { appendAuditEntries } from './audit.repository';
import { authorize, type Actor, type Permission } from './authorize';

export interface AuditRecord {
  entityType: string;
  entityId: string;
  /** e.g. create, update, retire, relate, unrelate, import, define-class */
  action: string;
  before?: unknown;
  after?: unknown;
}

export interface WriteTx extends Tx {
  readonly actor: Actor;
  readonly operation: string;
  /** The change record (RFC) this write is carried out under, if any: recorded in history and audit. */
  readonly changeId: string | null;
  audit(record: AuditRecord): void;
  afterCommit(effect: () => Promise<void> | void): void;
}

export interface WriteOperation {
  /** The GraphQL mutation or tool name, recorded in the audit trail and the transaction metadata. */
  name: string;
  permission: Permission;
  /** The change record authorizing this write (validated by the caller before it writes). */
  changeId?: string | null;
  /** A bulk load (an import batch): its transaction gets the bulk timeout (NEO4J_IMPORT_TX_TIMEOUT_MS). */
  bulk?: boolean;
}

/** The checks `write` makes before any work; for operations that must refuse early (before batching, say). */
export function authorizeWrite(actor: Actor | null, operation: WriteOperation): Actor {
  if (!actor) throw new UnauthenticatedError(`${operation.name} needs a signed-in principal (Authorization: Bearer …)`);
  authorize(actor, operation.permission, operation.name);
  return actor;
}

export async function write<T>(
  db: Db,
  actor: Actor | null,
  operation: WriteOperation,
  work: (tx: WriteTx) => Promise<T>,
): Promise<T> {
  const writer = authorizeWrite(actor, operation);
  let effects: Array<() => Promise<void> | void> = [];
  const result = await db.writeTx(
    async (tx) => {
      const records: AuditRecord[] = [];
      effects = []; // a retried attempt starts over
      const writeTx: WriteTx = {
        run: (cypher, params) => tx.run(cypher, params),
        write: (cypher, params) => tx.write(cypher, params),
        actor: writer,
        operation: operation.name,
        changeId: operation.changeId ?? null,
        audit: (record) => records.push(record),
        afterCommit: (effect) => effects.push(effect),
      };
      const value = await work(writeTx);
      if (records.length > 0) {
        const entries = records.map((r) => ({
          id: randomUUID(),
          entityType: r.entityType,
          entityId: r.entityId,
          action: r.action,
          before: r.before === undefined ? null : JSON.stringify(r.before),
          after: r.after === undefined ? null : JSON.stringify(r.after),
        }));
        await appendAuditEntries(tx, entries, {
          actor: writer.id,
          operation: operation.name,
          changeId: operation.changeId ?? null,
        });
      }
      return value;
    },
    { operation: operation.name, actor: writer.id, bulk: operation.bulk },
  );
  for (const effect of effects) await effect();
  return result;
}
