export { write, authorizeWrite, type WriteTx, type AuditRecord, type WriteOperation } from './write-path';
export { authorize, can, ASSIGNABLE_ROLES, INTERNAL_ROLES, type Actor, type Permission } from './authorize';
export {
  canonicalEntry,
  leafHash,
  nodeHash,
  entryLeafHash,
  appendToFrontier,
  rootOfFrontier,
  EMPTY_ROOT,
  type AuditEntryContent,
} from './audit-hash';
export { lockAuditLog, sealUnsequencedAuditEntries, type AuditLogState } from './audit.repository';
