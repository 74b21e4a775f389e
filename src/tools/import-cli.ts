/**
 * `npm run import -- FILE [FILE ...] [--source NAME] [--atomic]`
 * Imports JSON (the ImportInput shape: {source, atomic, items, relations}) or CSV files through the same
 * identification and reconciliation path as the importCMDB mutation, showing progress on stderr.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bootstrap } from './connect';
import type { ImportData, ImportProgress } from '../modules/cmdb';
import { csvToImport, ImportFileError } from '../modules/cmdb/import-file';
import { AppError } from '../shared/errors';

interface Args {
  files: string[];
  source?: string;
  atomic: boolean;
  actor: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    files: [],
    atomic: false,
    actor: process.env.SERVICEGRAPH_ACTOR ?? `cli:${process.env.USER ?? 'unknown'}`,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--source') args.source = argv[++i];
    else if (arg === '--atomic') args.atomic = true;
    else if (arg === '--actor') args.actor = argv[++i] ?? args.actor;
    else if (arg.startsWith('--')) throw new ImportFileError(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  if (!args.files.length)
    throw new ImportFileError('usage: npm run import -- FILE [FILE ...] [--source NAME] [--atomic]');
  return args;
}

function progressPrinter(): (p: ImportProgress) => void {
  const started = Date.now();
  return (p) => {
    const pct = p.total ? Math.round((100 * p.done) / p.total) : 100;
    const rate = p.done / Math.max(0.001, (Date.now() - started) / 1000);
    const line = `${p.phase}: ${p.done}/${p.total} (${pct}%), ${Math.round(rate)}/s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${p.done === p.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const runtime = await bootstrap((line) => process.stderr.write(`${line}\n`));
  try {
    const registry = await runtime.services.registries.refresh();
    const data: ImportData = { source: args.source ?? 'import', atomic: args.atomic, items: [], relations: [] };
    for (const file of args.files) {
      const text = readFileSync(file, 'utf8');
      if (file.toLowerCase().endsWith('.json')) {
        const parsed = JSON.parse(text) as Partial<ImportData>;
        if (!args.source && parsed.source) data.source = parsed.source;
        if (parsed.atomic) data.atomic = true;
        data.items.push(...(parsed.items ?? []));
        data.relations?.push(...(parsed.relations ?? []));
      } else if (file.toLowerCase().endsWith('.csv')) {
        const part = csvToImport(text, registry, basename(file));
        data.items.push(...part.items);
        data.relations?.push(...(part.relations ?? []));
      } else throw new ImportFileError(`${file}: expected a .json or .csv file`);
    }
    process.stderr.write(
      `importing ${data.items.length} items and ${data.relations?.length ?? 0} relations from source "${data.source}"${data.atomic ? ' (atomic)' : ''}\n`,
    );
    const started = Date.now();
    const result = await runtime.services.imports.importCMDB({ id: args.actor, roles: ['editor'] }, data, {
      onProgress: progressPrinter(),
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${result.applied ? 'applied' : 'NOT applied (atomic, something was rejected)'} in ${seconds.toFixed(1)} s: ` +
        `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged; ` +
        `relations ${result.relationsCreated} created, ${result.relationsUnchanged} unchanged; ${result.rejected.length} rejected`,
    );
    for (const r of result.rejected.slice(0, 100))
      console.log(`  rejected ${r.kind.toLowerCase()} ${r.index}: ${r.reason}`);
    if (result.rejected.length > 100) console.log(`  ... and ${result.rejected.length - 100} more`);
    return result.applied ? 0 : 2;
  } finally {
    await runtime.db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ImportFileError || error instanceof AppError || error instanceof SyntaxError
        ? error.message
        : error,
    );
    process.exit(1);
  },
);
