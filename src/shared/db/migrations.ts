/**
 * migrations/V<NNNN>__<name>.cypher, applied in order, each recorded as (:Migration {version, name, checksum}).
 * A file that was applied and then edited is refused: migrations are append-only.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db';

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  checksum: string;
  statements: string[];
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {}

const FILE_PATTERN = /^V(\d{4})__([A-Za-z0-9_]+)\.cypher$/;

/** Splits a file into statements on `;` at the end of a line; `//` comment lines are dropped. */
export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cypher'));
  const migrations = files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`migration file ${file} must be named V<NNNN>__<name>.cypher`);
    const text = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    return {
      version: Number(match[1]),
      name: match[2] ?? '',
      file,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: splitStatements(text),
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new MigrationError(
        `two migrations share version ${migrations[i]?.version}: ${migrations[i - 1]?.file}, ${migrations[i]?.file}`,
      );
    }
  }
  return migrations;
}

const RECORDED =
  'MATCH (m:Migration {ledger: $ledger}) RETURN m.version AS version, m.file AS file, m.checksum AS checksum';
const RECORD = `MERGE (m:Migration {ledger: $ledger, version: $version})
SET m.name = $name, m.file = $file, m.checksum = $checksum, m.appliedAt = datetime()`;

export interface MigrateOptions {
  log?: (line: string) => void;
  /** Which record of applied migrations to use: 'main' for the project's own (tests use their own). */
  ledger?: string;
}

export async function migrate(db: Db, dir: string, options: MigrateOptions = {}): Promise<MigrationReport> {
  const log = options.log ?? (() => undefined);
  const ledger = options.ledger ?? 'main';
  const files = readMigrations(dir);
  const recorded = new Map<number, { file: string; checksum: string }>();
  for (const row of await db.read(RECORDED, { ledger })) {
    recorded.set(row.version as number, { file: row.file as string, checksum: row.checksum as string });
  }
  for (const migration of files) {
    const done = recorded.get(migration.version);
    if (done && done.checksum !== migration.checksum) {
      throw new MigrationError(
        `migration ${migration.file} was edited after it was applied (checksum ${done.checksum.slice(0, 12)} recorded, ` +
          `${migration.checksum.slice(0, 12)} now); migrations are append-only: restore it and add a new V${String(
            files.length + 1,
          ).padStart(4, '0')}__… file instead`,
      );
    }
  }
  const applied: string[] = [];
  for (const migration of files) {
    if (recorded.has(migration.version)) continue;
    // Schema statements cannot share a transaction with data writes: each runs on its own, with the bulk timeout
    // (a data migration rewrites every record it concerns).
    for (const statement of migration.statements) {
      await db.writeTx((tx) => tx.run(statement), { operation: `migrate ${migration.file}`, bulk: true });
    }
    await db.writeTx(
      (tx) =>
        tx.run(RECORD, {
          ledger,
          version: migration.version,
          name: migration.name,
          file: migration.file,
          checksum: migration.checksum,
        }),
      { operation: 'migrate' },
    );
    applied.push(migration.file);
    log(`applied ${migration.file}`);
  }
  return { applied, alreadyApplied: files.length - applied.length };
}
