/** Per-request DataLoaders of change management: work orders and approvals by change, deployments by release. */
import DataLoader from 'dataloader';
import type { ChangeService } from './change.service';
import type { ApprovalRow, DeploymentRow, WorkOrderRow } from './change.repository';

export interface ChangeLoaders {
  workOrders: DataLoader<string, WorkOrderRow[]>;
  approvals: DataLoader<string, ApprovalRow[]>;
  deployments: DataLoader<string, DeploymentRow[]>;
}

/** Rows grouped under their keys, in the keys' order (DataLoader's contract). */
function grouped<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const by = new Map<string, T[]>();
  for (const row of rows) by.set(keyOf(row), [...(by.get(keyOf(row)) ?? []), row]);
  return keys.map((k) => by.get(k) ?? []);
}

export function createChangeLoaders(changes: ChangeService): ChangeLoaders {
  return {
    workOrders: new DataLoader(async (ids) => grouped(ids, await changes.workOrders(ids), (r) => r.changeId)),
    approvals: new DataLoader(async (ids) => grouped(ids, await changes.approvals(ids), (r) => r.changeId)),
    deployments: new DataLoader(async (ids) => grouped(ids, await changes.deployments(ids), (r) => r.releaseId)),
  };
}
