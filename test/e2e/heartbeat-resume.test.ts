/**
 * A long step survives its worker: a `durable-cron worker` pool runs `db-backup`, the whole
 * pool (supervisor and its process) is killed mid-step as in a machine crash (SIGKILL, no
 * draining), and another worker resumes the step from its last heartbeat instead of starting over.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectNative } from '../../src/connection';
import { seed } from '../../examples/shop/seed';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { createWorker } from '../../src/worker/worker';
import { CLI } from '../helpers/cli';
import { count, startTestDatabase, type TestDatabase } from '../helpers/database';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('heartbeat resume after a worker crash', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let child: ChildProcess | undefined;

  before(async () => {
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    await seed(db.pool);
  });
  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
    }
    await db?.close();
    await temporal?.stop();
  });

  it('resumes db-backup from the last heartbeat on another worker', async () => {
    const jobId = `backup-${randomUUID().slice(0, 8)}`;
    const jobs = parseJobsFile(
      `
version: 1
jobs:
  - id: ${jobId}
    type: db-backup
    customer: acme
    env: test
    schedule: { cron: '0 * * * *' }
    input: { table: sync_source, chunkSize: 10, chunkDelay: 250ms }
    steps: { backupTable: { heartbeatTimeout: 2s, retry: { initialInterval: 100ms } } }
`,
      '<jobs file>',
      shopRegistry(),
    );
    await applyJobs(temporal.client, jobs, { taskQueue: temporal.config.taskQueue, project: 'test' });
    const { config } = temporal;
    child = spawn(
      process.execPath,
      [
        CLI,
        'worker',
        '--address',
        config.address,
        '--task-queue',
        config.taskQueue,
        '--database-url',
        db.url,
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'durable-cron-worker-')),
        '--processes',
        '1',
        '--log-level',
        'error',
      ],
      // Its own process group, so the test can kill the supervisor and its worker process at once.
      { stdio: 'ignore', detached: true },
    );
    const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    const workflowId = fireWorkflowId(jobId, fire);
    const key = `${workflowId}/backupTable`;
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually(
      'the first worker to back up 8 chunks',
      async () =>
        (await count(db.pool, 'SELECT count(*)::int AS n FROM backup_chunks WHERE backup_key = $1', [key])) >=
        8
          ? true
          : undefined,
      60_000,
    );
    const exited = new Promise((done) => child?.once('exit', done));
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await exited;

    const native = await connectNative(config);
    try {
      const worker = await createWorker({
        connection: native,
        config,
        registry: shopRegistry(),
        deps: { dataDir: '/nonexistent', db: db.pool },
        shutdownGraceTime: '1s',
      });
      const result = (await worker.runUntil(temporal.client.workflow.getHandle(workflowId).result())) as {
        chunks: number;
        rows: number;
        resumedFrom: number;
        attempt: number;
      };
      assert.equal(result.chunks, 20);
      assert.equal(result.rows, 200);
      assert.ok(result.attempt >= 2, `attempt ${result.attempt}`);
      assert.ok(result.resumedFrom >= 1, `resumed from chunk ${result.resumedFrom}`);
      const chunks = await db.pool.query<{ chunk: number; attempt: number }>(
        'SELECT chunk, attempt FROM backup_chunks WHERE backup_key = $1 ORDER BY chunk',
        [key],
      );
      assert.deepEqual(
        chunks.rows.map((r) => r.chunk),
        Array.from({ length: 20 }, (_, i) => i),
      );
      // Chunks before the heartbeat were written by the crashed attempt and not written again.
      for (const row of chunks.rows.filter((r) => r.chunk < result.resumedFrom)) assert.equal(row.attempt, 1);
      assert.equal(chunks.rows.at(-1)?.attempt, result.attempt);
    } finally {
      await native.close();
    }
  });
});
