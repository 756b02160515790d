/** durable-cron's side of the benchmarks: its worker pool with the bench jobs module, and jobs files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { resolveConfig } from '../../src/config';
import { freePort } from '../../src/dev-server/dev-server';
import { loadJobModules } from '../../src/job-types/modules';
import { parseJobsFile } from '../../src/jobs/load';
import type { JobsFile } from '../../src/jobs/schema';
import { applyJobs } from '../../src/schedules/apply';
import { openActivityDeps } from '../../src/worker/deps';
import { StructuredLogger } from '../../src/worker/log';
import { startWorkerPool } from '../../src/worker/pool';
import type { WorkerLimits } from '../../src/worker/worker';
import { delay } from './processes';

/** The compiled bench jobs module. */
export const BENCH_JOBS_MODULE = require.resolve('./jobs');

/** The database every pool of a bench run uses. */
export interface BenchDatabase {
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Serves durable-cron's embedded database from this process once for the whole run (as a pool
 * without DATABASE_URL does), so each pool started by a benchmark does not start its own.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-cron-bench-db-'));
  const opened = await openActivityDeps({
    dataDir,
    embeddedDatabasePort: await freePort(),
    maxConnections: 1,
    migrations: loadJobModules([BENCH_JOBS_MODULE]).migrations,
  });
  return {
    databaseUrl: opened.databaseUrl,
    close: async () => {
      await opened.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A running pool of durable-cron worker processes. */
export interface OursPool {
  readonly pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts `durable-cron worker`'s pool in this process and waits (at most 120 s) until every process
 * polls; `limits` as `--max-activities`/`--max-workflows`/`--max-cached-workflows` would set them.
 */
export async function startOursPool(
  address: string,
  taskQueue: string,
  processes: number,
  workflowBundle: string,
  databaseUrl: string,
  limits?: WorkerLimits,
): Promise<OursPool> {
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-cron-bench-'));
  const pool = await startWorkerPool({
    config: resolveConfig({ address, taskQueue, databaseUrl }, {}),
    processes,
    grace: '5s',
    graceMs: 5_000,
    dataDir,
    logLevel: 'WARN',
    logFormat: 'text',
    logger: new StructuredLogger({ level: 'WARN', format: 'text' }),
    jobs: [BENCH_JOBS_MODULE],
    workflowBundle,
    ...(limits ? { limits } : {}),
  });
  const stop = async () => {
    await pool.drain();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (!pool.status().every((s) => s.polling)) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error('durable-cron worker processes did not poll within 120 s');
    }
    await delay(200);
  }
  return { pids: pool.status().map((s) => s.pid ?? -1), stop };
}

/** A jobs file of `count` jobs of `type`, ids `<prefix>-<i>`, each firing every `everySeconds`. */
export function benchJobsFile(prefix: string, type: string, count: number, everySeconds: number): JobsFile {
  const lines = ['version: 1', 'jobs:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - {id: ${prefix}-${i}, type: ${type}, customer: bench, env: prod, schedule: {every: ${everySeconds}s}}`,
    );
  }
  return parseJobsFile(`${lines.join('\n')}\n`, '<bench jobs>', loadJobModules([BENCH_JOBS_MODULE]).registry);
}

/** Applies a jobs file with durable-cron's apply. */
export async function applyBenchJobs(client: Client, file: JobsFile, taskQueue: string): Promise<void> {
  await applyJobs(client, file, { taskQueue, project: 'bench', concurrency: 16 });
}
