/**
 * `npm run seed -- --demo`                      load the demo CMDB through the import path
 * `npm run seed -- --synthetic N [--seed S]`    import a synthetic CMDB of about N CIs
 * add `--out FILE` to write the dataset as import JSON (the format of `npm run import`) instead of importing;
 * `--batch-size B` sets the import batch size of a synthetic import.
 *
 * Connects like `npm start` (the local Neo4j unless NEO4J_URI is set) and applies migrations first.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { bootstrap } from '../src/tools/connect';
import type { ImportData, ImportProgress, ImportResult } from '../src/modules/cmdb';
import { demoDataset, loadDemo } from './demo';
import { syntheticDataset } from './synthetic';

const USAGE = `usage:
  npm run seed -- --demo [--out FILE]
  npm run seed -- --synthetic N [--seed S] [--batch-size B] [--out FILE]`;

class UsageError extends Error {}

interface Args {
  mode: 'demo' | 'synthetic';
  count: number;
  seed: number;
  batchSize?: number;
  out?: string;
}

function parseArgs(argv: readonly string[]): Args {
  let mode: Args['mode'] | undefined;
  let count: number | undefined;
  let seed = 1;
  let batchSize: number | undefined;
  let out: string | undefined;
  const integer = (flag: string, value: string | undefined, min: number): number => {
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < min) {
      throw new UsageError(
        `${flag} needs an integer of at least ${min}${value === undefined ? '' : `, got "${value}"`}`,
      );
    }
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string | undefined => (raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--demo':
        if (mode) throw new UsageError('give one of --demo or --synthetic');
        mode = 'demo';
        break;
      case '--synthetic':
        if (mode) throw new UsageError('give one of --demo or --synthetic');
        mode = 'synthetic';
        count = integer('--synthetic', value(), 1);
        break;
      case '--seed':
        seed = integer('--seed', value(), 0);
        break;
      case '--batch-size':
        batchSize = integer('--batch-size', value(), 1);
        break;
      case '--out': {
        const file = value();
        if (!file) throw new UsageError('--out needs a file name');
        out = file;
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument "${raw}"`);
    }
  }
  if (!mode) throw new UsageError('give --demo or --synthetic N');
  if (mode === 'demo' && (batchSize !== undefined || seed !== 1))
    throw new UsageError('--seed and --batch-size apply to --synthetic only');
  return {
    mode,
    count: count ?? 0,
    seed,
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}

/** Writes the dataset as import JSON, a chunk at a time (a large set does not fit one JSON.stringify). */
function writeDataset(file: string, data: ImportData): void {
  const fd = openSync(file, 'w');
  try {
    const list = (name: string, entries: readonly unknown[], last: boolean): void => {
      writeSync(fd, `  ${JSON.stringify(name)}: [`);
      for (let start = 0; start < entries.length; start += 5000) {
        const chunk = entries.slice(start, start + 5000).map((e) => `\n    ${JSON.stringify(e)}`);
        writeSync(fd, (start > 0 ? ',' : '') + chunk.join(','));
      }
      writeSync(fd, `${entries.length ? '\n  ' : ''}]${last ? '' : ','}\n`);
    };
    writeSync(
      fd,
      `{\n  "source": ${JSON.stringify(data.source)},\n  "atomic": ${JSON.stringify(data.atomic ?? false)},\n`,
    );
    list('items', data.items, false);
    list('relations', data.relations ?? [], true);
    writeSync(fd, '}\n');
  } finally {
    closeSync(fd);
  }
}

function summary(result: ImportResult, seconds: number): string {
  return (
    `${result.source}: items created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}; ` +
    `relations created ${result.relationsCreated}, unchanged ${result.relationsUnchanged}; ` +
    `${result.rejected.length} rejected; ${result.applied ? 'applied' : 'NOT applied'} in ${seconds.toFixed(1)} s`
  );
}

function progressPrinter(): { onProgress: (p: ImportProgress) => void; end: () => void } {
  const tty = process.stdout.isTTY === true;
  let open = false;
  return {
    onProgress: ({ phase, done, total }) => {
      const line = `  ${phase.padEnd(9)} ${String(done).padStart(String(total).length)}/${total} (${total ? Math.floor((done * 100) / total) : 100}%)`;
      if (tty) {
        process.stdout.write(`\r${line}`);
        open = done < total;
        if (!open) process.stdout.write('\n');
      } else {
        console.log(line);
      }
    },
    end: () => {
      if (open) process.stdout.write('\n');
      open = false;
    },
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const started = Date.now();
  const data = args.mode === 'demo' ? demoDataset() : syntheticDataset(args.count, args.seed);
  const relations = data.relations?.length ?? 0;
  const label = args.mode === 'demo' ? 'demo CMDB' : `synthetic CMDB (seed ${args.seed})`;
  console.log(`${label}: ${data.items.length} items, ${relations} relations (built in ${Date.now() - started} ms)`);

  if (args.out) {
    writeDataset(args.out, data);
    console.log(`written to ${args.out}`);
    return;
  }

  const { db, services } = await bootstrap((line) => console.log(line));
  try {
    const importStarted = Date.now();
    if (args.mode === 'demo') {
      const result = await loadDemo(services); // throws listing the rejections
      console.log(summary(result, (Date.now() - importStarted) / 1000));
      return;
    }
    const progress = progressPrinter();
    let result: ImportResult;
    try {
      result = await services.imports.importCMDB({ id: 'seed', roles: ['admin'] }, data, {
        onProgress: progress.onProgress,
        ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
      });
    } finally {
      progress.end();
    }
    console.log(summary(result, (Date.now() - importStarted) / 1000));
    if (result.rejected.length) {
      const shown = result.rejected.slice(0, 20).map((r) => `  ${r.kind} ${r.index}: ${r.reason}`);
      const more =
        result.rejected.length > shown.length ? `\n  ... and ${result.rejected.length - shown.length} more` : '';
      throw new Error(`synthetic import rejected ${result.rejected.length} entries:\n${shown.join('\n')}${more}`);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      if (!error.message) {
        console.log(USAGE); // --help
        process.exit(0);
      }
      console.error(`seed: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
