export {
  AuditService,
  type AuditConfig,
  type AuditConnection,
  type AuditEntryView,
  type InclusionProofView,
  type ConsistencyProofView,
} from './audit.service';
export type { AuditFilter } from './audit.repository';
export { verifyAuditLog, type StoredAuditEntry, type VerifyReport } from './verify';
export {
  loadSigningKey,
  signTreeHead,
  verifyTreeHeadSignature,
  readTreeHeadFile,
  type SignedTreeHead,
  type TreeHead,
} from './tree-head';
