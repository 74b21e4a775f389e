#!/usr/bin/env node
/**
 * `npm start`: runs the compiled service (dist/), building it first when dist/ is missing or older than a source
 * file. A tree installed with `npm ci --omit=dev` has no compiler: it runs the dist/ it was given.
 */
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'tools', 'start.js');

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) {
      if (name.name !== 'generated') newest = Math.max(newest, newestMtime(path));
    } else if (/\.(ts|graphql)$/.test(name.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const canBuild = existsSync(join(root, 'node_modules', 'typescript'));
const stale =
  !existsSync(entry) ||
  (canBuild &&
    Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'seed')), newestMtime(join(root, 'schema'))) >
      statSync(entry).mtimeMs);
if (stale) {
  if (!canBuild) {
    console.error('dist/ is missing and this tree has no dev dependencies to build it: run `npm ci && npm run build`');
    process.exit(1);
  }
  console.log('building dist/ (npm run build)');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
process.env.NODE_ENV = process.env.NODE_ENV || 'production';
require(entry);
