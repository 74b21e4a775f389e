/**
 * Where the project's own files are at run time, from source (tsx, ts-jest) and from the compiled tree (dist/)
 * alike: the nearest folder above this file that holds package.json. A leaf: it imports nothing of the project.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function projectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = projectRoot(__dirname);
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');
export const SCHEMA_DIR = join(PROJECT_ROOT, 'schema');
