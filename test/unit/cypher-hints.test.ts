/**
 * Index hints in our Cypher must say SEEK. A plan cached while the database was nearly empty (right after a reset or
 * during a first import) is kept as the data grows, and a plain `USING INDEX` is satisfied by a whole-index *scan*:
 * measured at 10k CIs, impact analysis's subscriber lookup scanned the Entity(id) index once per service (1.9 million
 * rows, 230 ms instead of 2). `USING INDEX SEEK` leaves the planner no such plan.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const repo = join(__dirname, '..', '..');
/** Our statements, and the benchmarks' raw Cypher floor (a floor that scans would flatter us). */
const roots = [join(repo, 'src'), join(repo, 'test', 'bench')];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('Cypher index hints', () => {
  const files = roots.flatMap(sources);

  it('finds the repositories it checks', () => {
    const hinted = files.filter((f) => /USING INDEX SEEK/.test(readFileSync(f, 'utf8')));
    expect(hinted.map((f) => relative(repo, f))).toEqual(
      expect.arrayContaining([
        'src/modules/cmdb/ci.repository.ts',
        'src/modules/analysis/analysis.repository.ts',
        'src/modules/tickets/tickets.repository.ts',
        'test/bench/import.bench.ts',
      ]),
    );
  });

  it('every USING INDEX hint in src and the benchmarks is a SEEK hint', () => {
    const offending: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // Comments may name the plain form when they explain why it is not used.
          if (/^\s*(\*|\/\/)/.test(line)) return;
          if (/USING\s+INDEX\s+(?!SEEK\b)/i.test(line))
            offending.push(`${relative(repo, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });
});
