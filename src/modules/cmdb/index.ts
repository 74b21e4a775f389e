export { CmdbService, RegistryStore, MANUAL_SOURCE, type ChangeGate } from './cmdb.service';
export {
  ImportService,
  type ImportResult,
  type ImportProgress,
  type ImportData,
  type ImportItemData,
  type ImportRelationData,
  type ImportRef,
} from './import.service';
export type { CIListFilter, EntityRecord, RelationshipRow, RelationshipView } from './cmdb.types';
export { countEntities } from './ci.repository';
export { summaryEntity } from './cmdb.rows';
export {
  findRevisionHistory,
  snapshotCIs,
  type RevisionRecord,
  type SnapshotCI,
  type SnapshotScope,
} from './revision.repository';
export * from './registry';
export { parseInput } from './parse';
