/**
 * The vertical slice, end to end on a real dev server: jobs file → `durable-cron apply` →
 * Temporal Schedule → worker → workflow → activities → a run named `<jobId>-<fire time>` that
 * carries customer/env and is found by a visibility query.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectNative } from '../../src/connection';
import { CUSTOMER, ENV } from '../../src/search-attributes';
import { backfillFireTimes, fireHasRun, runsByFireTime } from '../../src/schedules/fire-runs';
import { createWorker } from '../../src/worker/worker';
import { runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('vertical slice', () => {
  let temporal: TestTemporal;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-e2e-'));
  const suffix = randomUUID().slice(0, 8);
  const jobId = `hourly-${suffix}`;
  const customer = `acme-${suffix}`;

  before(async () => {
    temporal = await startTestTemporal();
  });

  after(async () => {
    await temporal?.stop();
  });

  it('applies a jobs file, fires a past fire time, and runs it exactly as named', async () => {
    const file = join(dir, 'jobs.yaml');
    writeFileSync(
      file,
      `version: 1
jobs:
  - id: ${jobId}
    type: daily-summary
    customer: ${customer}
    env: prod
    schedule:
      cron: "0 * * * *"
      timezone: Asia/Shanghai
    input: {title: E2E}
`,
    );
    const { config } = temporal;
    const applied = await runCli([
      'apply',
      '-f',
      file,
      '--address',
      config.address,
      '--task-queue',
      config.taskQueue,
      '--json',
    ]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual((JSON.parse(applied.stdout) as { changes: unknown }).changes, [
      { jobId, action: 'create' },
    ]);

    const { client } = temporal;
    const description = await client.schedule.getHandle(jobId).describe();
    assert.equal(description.action.type, 'startWorkflow');
    assert.equal(description.spec.timezone, 'Asia/Shanghai');

    // The most recent whole hour: a past nominal fire time, reached by backfill instead of waiting.
    const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    const expectedId = `${jobId}-${fire.toISOString().replace('.000Z', 'Z')}`;

    const connection = await connectNative(config);
    try {
      const worker = await createWorker({
        connection,
        config,
        registry: shopRegistry(),
        deps: { dataDir: dir },
      });
      await worker.runUntil(async () => {
        assert.equal(await fireHasRun(client, jobId, fire), false);
        await backfillFireTimes(client, jobId, [fire]);
        const handle = client.workflow.getHandle(expectedId);
        const result = await eventually('the backfilled run', async () => {
          await handle.describe();
          return (await handle.result()) as {
            fireTime: string;
            date: string;
            location: string;
            created: boolean;
          };
        });
        assert.equal(result.fireTime, fire.toISOString());
        assert.equal(result.created, true);
        // The activities received the nominal fire time (what they wrote says so), and the date is
        // the fire time's date in the job's timezone.
        const written = JSON.parse(readFileSync(result.location, 'utf8')) as Record<string, unknown>;
        assert.equal(written.fireTime, fire.toISOString());
        assert.equal(written.idempotencyKey, `${expectedId}/publishSummary`);
        const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(fire);
        assert.equal(result.date, shanghaiDate);

        const run = await handle.describe();
        assert.equal(run.status.name, 'COMPLETED');
        assert.equal(run.typedSearchAttributes.get(CUSTOMER), customer);
        assert.equal(run.typedSearchAttributes.get(ENV), 'prod');
      });
    } finally {
      await connection.close();
    }

    const listed = await eventually('the run in visibility', async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `customer = '${customer}'` }))
        ids.push(wf.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    assert.deepEqual(listed, [expectedId]);
    assert.equal(await fireHasRun(client, jobId, fire), true);
    const byFire = await runsByFireTime(client, jobId, new Date(fire.getTime() - 3_600_000), fire);
    assert.deepEqual(
      [...byFire.entries()].map(([t, runs]) => [t, runs.map((r) => `${r.workflowId}:${r.status}`)]),
      [[fire.toISOString(), [`${expectedId}:COMPLETED`]]],
    );
    const other: string[] = [];
    for await (const wf of client.workflow.list({ query: `customer = 'someone-else-${suffix}'` }))
      other.push(wf.workflowId);
    assert.deepEqual(other, []);
  });

  it('re-applying the same file changes nothing', async () => {
    const { config } = temporal;
    const again = await runCli([
      'apply',
      '-f',
      join(dir, 'jobs.yaml'),
      '--address',
      config.address,
      '--task-queue',
      config.taskQueue,
      '--json',
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { changes: unknown }).changes, []);
  });

  it('setup registers search attributes idempotently', async () => {
    const first = await runCli(['setup', '--address', temporal.config.address, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout) as { added: string[]; alreadyPresent: string[] };
    assert.deepEqual(result.added, []);
    assert.ok(result.alreadyPresent.includes('customer') && result.alreadyPresent.includes('env'));
  });
});
