/** The audit trail's storage: one AuditEntry node per recorded change, appended in the writing transaction. */
import type { Tx } from '../db';

export interface AuditEntryRow {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  /** JSON text, or null when the record had no such side. */
  before: string | null;
  after: string | null;
}

export async function appendAuditEntries(
  tx: Tx,
  entries: AuditEntryRow[],
  meta: { actor: string; operation: string; changeId: string | null },
): Promise<void> {
  await tx.run(
    `UNWIND $entries AS e
     CREATE (:AuditEntry {
       id: e.id, at: datetime.transaction(), actor: $actor, operation: $operation, changeId: $changeId,
       entityType: e.entityType, entityId: e.entityId, action: e.action, before: e.before, after: e.after
     })`,
    { entries, ...meta },
  );
}
