/**
 * The raw floor's statement sequences that are more than one statement, shared by the benchmarks: the same
 * repository statements ServiceGraph sends, in the same order, through the driver — without GraphQL or the service.
 */
import * as analysisRepo from '../../src/modules/analysis/analysis.repository';
import { MAX_AFFECTED } from '../../src/modules/analysis';
import type { Tx } from '../../src/shared/db';

/**
 * `dependencies` asked without `relationship`: the expansion with depths, and the closure with its edges only when
 * that expansion reached a retired CI or the cap. The reached CI ids, the start included.
 */
export async function rawDependencies(tx: Tx, id: string, filter: string, maxDepth: number): Promise<string[]> {
  const reached = await analysisRepo.reachedCIs(tx, id, filter, maxDepth, MAX_AFFECTED + 1);
  if (analysisRepo.reachIsTree(reached, MAX_AFFECTED)) return reached.map((r) => r.id);
  return (await analysisRepo.impactClosure(tx, [id], filter, maxDepth, MAX_AFFECTED + 1)).nodes.map((n) => n.id);
}
