#!/usr/bin/env node
// Runs the compiled test files with node's test runner, one file at a time: end-to-end files
// start their own Temporal dev server, and the machines this runs on have two cores.
// Usage: node scripts/run-tests.mjs [--cluster] [substring ...]   (filters test files by path)
// test/cluster (a two-node Temporal cluster on PostgreSQL per file) runs only with --cluster.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '..', 'dist', 'test');
/** @param {string} dir @returns {string[]} */
function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const cluster = process.argv[2] === '--cluster';
const filters = process.argv.slice(cluster ? 3 : 2);
const clusterDir = join(root, 'cluster');
const files = collect(root)
  .filter((f) => f.startsWith(clusterDir + '/') === cluster)
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched under ${root}; run 'npm run build' first`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '1';
// A hung test (say, a server left running by a failed hook) fails after this instead of
// holding CI until its own limit.
// (8 minutes: the chaos files bound their own run at 7; node's runner applies this to a whole file.)
const timeoutMs = process.env.TEST_TIMEOUT_MS ?? (cluster ? '900000' : '480000');
const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
