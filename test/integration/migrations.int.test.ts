import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../src/paths';
import { migrate, readMigrations } from '../../src/shared/db';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let dir: string;
const ledger = `test-${process.pid}`;

beforeAll(async () => {
  h = await createHarness();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-migrations-'));
  await h.cypher('MATCH (m:Migration {ledger: $ledger}) DELETE m', { ledger });
  await h.cypher('DROP INDEX test_widget_name IF EXISTS');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(async () => {
  await h.cypher('MATCH (m:Migration {ledger: $ledger}) DELETE m', { ledger });
  await h.cypher('DROP INDEX test_widget_name IF EXISTS');
  await h.close();
});

describe('migrations', () => {
  it('applies files in version order once, recording each with its checksum', async () => {
    writeFileSync(join(dir, 'V0002__widget_marker.cypher'), "MERGE (:TestWidget {name: 'after-index'});\n");
    writeFileSync(
      join(dir, 'V0001__widget_index.cypher'),
      '// an index first\nCREATE INDEX test_widget_name IF NOT EXISTS FOR (w:TestWidget) ON (w.name);\n',
    );
    const first = await migrate(h.db, dir, { ledger });
    expect(first).toEqual({
      applied: ['V0001__widget_index.cypher', 'V0002__widget_marker.cypher'],
      alreadyApplied: 0,
    });
    const recorded = await h.cypher(
      'MATCH (m:Migration {ledger: $ledger}) RETURN m.version AS v, m.name AS name, size(m.checksum) AS len ORDER BY v',
      { ledger },
    );
    expect(recorded).toEqual([
      { v: 1, name: 'widget_index', len: 64 },
      { v: 2, name: 'widget_marker', len: 64 },
    ]);
    const indexes = await h.cypher("SHOW INDEXES YIELD name WHERE name = 'test_widget_name' RETURN name");
    expect(indexes).toHaveLength(1);
    const second = await migrate(h.db, dir, { ledger });
    expect(second).toEqual({ applied: [], alreadyApplied: 2 });
    expect(await h.cypher('MATCH (w:TestWidget) RETURN count(w) AS n')).toEqual([{ n: 1 }]);
    await h.cypher('MATCH (w:TestWidget) DELETE w');
  });

  it('refuses to run when an applied file was edited, naming the file', async () => {
    const file = join(dir, 'V0001__widget_index.cypher');
    writeFileSync(file, 'CREATE INDEX test_widget_name IF NOT EXISTS FOR (w:TestWidget) ON (w.name);\n');
    await migrate(h.db, dir, { ledger });
    writeFileSync(file, 'CREATE INDEX test_widget_name IF NOT EXISTS FOR (w:TestWidget) ON (w.size);\n');
    writeFileSync(join(dir, 'V0002__later.cypher'), "MERGE (:TestWidget {name: 'must-not-run'});\n");
    await expect(migrate(h.db, dir, { ledger })).rejects.toThrow(
      /V0001__widget_index\.cypher was edited after it was applied/,
    );
    // Nothing after the refusal ran.
    expect(await h.cypher("MATCH (w:TestWidget {name: 'must-not-run'}) RETURN count(w) AS n")).toEqual([{ n: 0 }]);
  });

  it('refuses badly named files and duplicate versions', () => {
    writeFileSync(join(dir, 'add_index.cypher'), 'RETURN 1;');
    expect(() => readMigrations(dir)).toThrow(/add_index.cypher must be named V<NNNN>__<name>.cypher/);
    rmSync(join(dir, 'add_index.cypher'));
    writeFileSync(join(dir, 'V0001__a.cypher'), 'RETURN 1;');
    writeFileSync(join(dir, 'V0001__b.cypher'), 'RETURN 2;');
    expect(() => readMigrations(dir)).toThrow(/two migrations share version 1/);
  });

  it("has applied the project's own migrations: constraints on ids and identifiers exist", async () => {
    const applied = await h.cypher("MATCH (m:Migration {ledger: 'main'}) RETURN count(m) AS n");
    expect(applied).toEqual([{ n: readMigrations(MIGRATIONS_DIR).length }]);
    const constraints = (await h.cypher('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names'))[0]?.names;
    expect(constraints).toEqual(expect.arrayContaining(['entity_id', 'identifier_key']));
  });
});
