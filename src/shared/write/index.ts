export { write, authorizeWrite, type WriteTx, type AuditRecord, type WriteOperation } from './write-path';
export { authorize, can, type Actor, type Permission } from './authorize';
