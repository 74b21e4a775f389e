/**
 * Import benchmark: the synthetic dataset through ServiceGraph's import path (identification, reconciliation,
 * validation, audit) beside the same rows written by hand-written UNWIND batches (the floor: the same graph,
 * no identification), then a re-import of the unchanged data. Same database, same run, alternating rounds.
 */
import { randomUUID } from 'node:crypto';
import type { ImportData } from '../../src/modules/cmdb';
import type { Harness } from '../helpers/harness';
import { ADMIN } from '../helpers/harness';
import { syntheticDataset } from '../../seed/synthetic';
import { identifierKey } from '../../src/modules/cmdb/cmdb.rows';
import { Registry } from '../../src/modules/cmdb/registry';

export interface ImportBenchResult {
  ciCount: number;
  items: number;
  relations: number;
  rounds: Array<{ rawSeconds: number; apiSeconds: number; reimportSeconds: number }>;
}

const RAW_BATCH = 5000;

/** The floor: CREATE the same nodes, identifier nodes and relationships with plain UNWIND batches. */
export async function rawImport(
  h: Harness,
  data: ImportData,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const registry = new Registry();
  const items = data.items.map((item) => {
    const cls = registry.getClass(item.class);
    const identifiers: Record<string, string> = { name: item.name, ...(item.identifiers ?? {}) };
    for (const key of registry.identifyingKeysOf(item.class)) {
      const v = item.attributes?.[key];
      if (typeof v === 'string') identifiers[key] = v;
    }
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item.attributes ?? {})) props[`a_${k}`] = v;
    return {
      id: randomUUID(),
      kind: cls?.kind === 'party' ? 'Party' : 'CI',
      class: item.class,
      name: item.name,
      status: cls?.kind === 'party' ? null : (item.status ?? 'LIVE').toUpperCase(),
      props,
      identifiers: Object.entries(identifiers).map(([name, value]) => ({
        key: identifierKey(item.class, name, value),
        name,
        value,
      })),
    };
  });
  const session = h.db.driver.session();
  try {
    for (let i = 0; i < items.length; i += RAW_BATCH) {
      await session.executeWrite((tx) =>
        tx.run(
          `UNWIND $rows AS row
           CREATE (n:Entity {id: row.id, class: row.class, name: row.name, nameLower: toLower(row.name), status: row.status,
                             createdAt: datetime.transaction(), updatedAt: datetime.transaction(), revision: 1})
           SET n:$(row.kind), n:$(row.class), n += row.props
           WITH n, row UNWIND row.identifiers AS ident
           CREATE (n)-[:IDENTIFIED_BY]->(:Identifier {key: ident.key, class: row.class, name: ident.name, value: ident.value})`,
          { rows: items.slice(i, i + RAW_BATCH) },
        ),
      );
    }
    log(`    raw items written`);
    const rels = (data.relations ?? []).map((r) => {
      const key = (ref: (typeof r)['from']): string => {
        if ('id' in ref) throw new Error('synthetic relations use identifiers');
        const [name, value] = Object.entries(ref.identifiers)[0] as [string, string];
        return identifierKey(ref.class, name, value);
      };
      return { type: r.type, from: key(r.from), to: key(r.to) };
    });
    for (let i = 0; i < rels.length; i += RAW_BATCH) {
      await session.executeWrite((tx) =>
        tx.run(
          `UNWIND $rows AS row
           MATCH (fi:Identifier {key: row.from}) USING INDEX SEEK fi:Identifier(key)
           MATCH (ti:Identifier {key: row.to}) USING INDEX SEEK ti:Identifier(key)
           MATCH (fi)<-[:IDENTIFIED_BY]-(a:Entity), (ti)<-[:IDENTIFIED_BY]-(b:Entity)
           MERGE (a)-[r:$(row.type)]->(b) ON CREATE SET r.createdAt = datetime.transaction()`,
          { rows: rels.slice(i, i + RAW_BATCH) },
        ),
      );
    }
  } finally {
    await session.close();
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchImport(
  h: Harness,
  ciCount: number,
  rounds: number,
  log: (line: string) => void,
): Promise<ImportBenchResult> {
  const data = syntheticDataset(ciCount, 1);
  const result: ImportBenchResult = {
    ciCount,
    items: data.items.length,
    relations: data.relations?.length ?? 0,
    rounds: [],
  };
  log(`import: ${result.items} items, ${result.relations} relations`);
  // Warm-up (JIT of Neo4j and Node, plan caches): a small import both ways, not measured.
  const warm = syntheticDataset(Math.min(5000, ciCount), 2);
  await h.reset();
  await rawImport(h, warm);
  await h.reset();
  await h.services.imports.importCMDB(ADMIN, warm);
  log('  warmed up');
  for (let round = 1; round <= rounds; round++) {
    await h.reset();
    const rawSeconds = await timed(() => rawImport(h, data, log));
    log(`  round ${round}: raw UNWIND ${rawSeconds.toFixed(1)} s`);
    await h.reset();
    let last = 0;
    const apiSeconds = await timed(async () => {
      const r = await h.services.imports.importCMDB(ADMIN, data, {
        onProgress: (p) => {
          const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
          if (pct >= last + 25 || p.done === p.total) {
            log(`    ${p.phase} ${p.done}/${p.total}`);
            last = p.done === p.total ? 0 : pct;
          }
        },
      });
      if (r.rejected.length || r.created !== result.items)
        throw new Error(`import disagrees: ${JSON.stringify({ ...r, rejected: r.rejected.slice(0, 3) })}`);
    });
    log(`  round ${round}: ServiceGraph import ${apiSeconds.toFixed(1)} s`);
    const reimportSeconds = await timed(async () => {
      const r = await h.services.imports.importCMDB(ADMIN, data);
      if (r.unchanged !== result.items || r.relationsUnchanged !== result.relations)
        throw new Error(`re-import changed something: ${JSON.stringify({ ...r, rejected: r.rejected.length })}`);
    });
    log(`  round ${round}: re-import unchanged ${reimportSeconds.toFixed(1)} s`);
    result.rounds.push({ rawSeconds, apiSeconds, reimportSeconds });
  }
  return result;
}
