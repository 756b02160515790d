/**
 * `runs list` / `runs show` against a real dev server: typed filters (customer, status including
 * compensated, fire time), the injection case, JSON/CSV/count output, and a run's steps.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { connectNative } from '../../src/connection';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE, OUTCOME } from '../../src/search-attributes';
import { createWorker } from '../../src/worker/worker';
import { cliAgainst, runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

interface JsonRun {
  workflowId: string;
  runId: string;
  job: string | null;
  type: string;
  customer: string | null;
  env: string | null;
  fireTime: string | null;
  status: string;
  startTime: string;
  closeTime: string | null;
  url: string;
}

describe('runs list and runs show', () => {
  let temporal: TestTemporal;
  let worker: Worker;
  let running: Promise<void>;
  const suffix = randomUUID().slice(0, 8);
  const acme = `acme-${suffix}`;
  const globex = `globex-${suffix}`;
  const ids: Record<string, string[]> = { [acme]: [], [globex]: [] };
  let compensatedId = '';
  const cli = cliAgainst(() => temporal.config, ['--ui-url', 'http://ui.example:8080']);

  before(async () => {
    temporal = await startTestTemporal();
    const connection = await connectNative(temporal.config);
    worker = await createWorker({
      connection,
      config: temporal.config,
      registry: shopRegistry(),
      deps: { dataDir: mkdtempSync(join(tmpdir(), 'durable-cron-runs-')) },
    });
    running = worker.run().finally(() => connection.close());
    const start = async (customer: string, i: number, outcome?: string) => {
      const jobId = `report-${customer}`;
      const fireTime = new Date(Date.UTC(2026, 10, 20, 10 + i)).toISOString();
      const workflowId = `${jobId}-${fireTime.replace('.000Z', 'Z')}`;
      const handle = await temporal.client.workflow.start('dailySummary', {
        workflowId,
        taskQueue: temporal.config.taskQueue,
        args: [{ jobId, customer, env: 'prod', timezone: 'UTC', input: { title: 'T' }, fireTime }],
        typedSearchAttributes: [
          { key: CUSTOMER, value: customer },
          { key: ENV, value: 'prod' },
          { key: JOB_ID, value: jobId },
          { key: JOB_TYPE, value: 'daily-summary' },
          ...(outcome ? [{ key: OUTCOME, value: outcome }] : []),
        ],
      });
      await handle.result();
      return workflowId;
    };
    for (let i = 0; i < 3; i++) ids[acme]?.push(await start(acme, i));
    for (let i = 0; i < 2; i++) ids[globex]?.push(await start(globex, i));
    // No workflow sets the outcome yet in this branch: a run started with it stands in.
    compensatedId = await start(globex, 5, 'compensated');
    ids[globex]?.push(compensatedId);
    await eventually('all runs visible', async () => {
      const { count } = await temporal.client.workflow.count(`customer IN ('${acme}', '${globex}')`);
      return count === 6 ? true : undefined;
    });
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await temporal?.stop();
  });

  it("lists one customer's runs with every field, and nobody else's", async () => {
    const result = await cli(['runs', 'list', '--customer', acme, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as JsonRun[];
    assert.deepEqual(rows.map((r) => r.workflowId).sort(), [...(ids[acme] ?? [])].sort());
    const row = rows[0];
    assert.ok(row);
    assert.equal(row.customer, acme);
    assert.equal(row.env, 'prod');
    assert.equal(row.job, `report-${acme}`);
    assert.equal(row.type, 'daily-summary');
    assert.equal(row.status, 'completed');
    assert.ok(row.closeTime && row.startTime && row.runId);
    assert.equal(
      row.url,
      `http://ui.example:8080/namespaces/default/workflows/${encodeURIComponent(row.workflowId)}/${row.runId}/history`,
    );
    assert.equal(result.stderr.trim(), '3 runs');
    // One object per line, so the stream can be read line by line too.
    assert.equal(result.stdout.trim().split('\n').length, 3 + 2);
  });

  it('treats a quote-injection value as one literal that matches nothing', async () => {
    const evil = `${acme}' OR customer = '${globex}`;
    const listed = await cli(['runs', 'list', '--customer', evil, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), []);
    const counted = await cli(['runs', 'list', '--customer', evil, '--count']);
    assert.equal(counted.stdout.trim(), '0');
    const backslash = await cli(['runs', 'list', '--customer', `${acme}\\' OR customer != '`, '--count']);
    assert.equal(backslash.code, 0, backslash.stderr);
    assert.equal(backslash.stdout.trim(), '0');
  });

  it('filters by status, including compensated (the outcome attribute)', async () => {
    const compensated = await cli([
      'runs',
      'list',
      '--customer',
      globex,
      '--status',
      'compensated',
      '--json',
    ]);
    assert.equal(compensated.code, 0, compensated.stderr);
    const rows = JSON.parse(compensated.stdout) as JsonRun[];
    assert.deepEqual(
      rows.map((r) => [r.workflowId, r.status]),
      [[compensatedId, 'compensated']],
    );
    const failed = await cli(['runs', 'list', '--customer', acme, '--status', 'failed', '--count']);
    assert.equal(failed.stdout.trim(), '0');
    const done = await cli(['runs', 'list', '--customer', acme, '--status', 'completed', '--count']);
    assert.equal(done.stdout.trim(), '3');
  });

  it('limits, streams CSV, and prints the count line', async () => {
    const limited = await cli(['runs', 'list', '--customer', acme, '--limit', '2']);
    assert.equal(limited.code, 0, limited.stderr);
    const lines = limited.stdout.trim().split('\n');
    assert.match(
      lines[0] ?? '',
      /^WORKFLOW ID\s+JOB\s+CUSTOMER\s+ENV\s+FIRE TIME\s+STATUS\s+DURATION\s+WEB UI$/,
    );
    assert.equal(lines.length, 1 + 2 + 1);
    assert.match(lines.at(-1) ?? '', /^2 runs \(limit 2 reached/);

    const csv = await cli(['runs', 'list', '--customer', globex, '--all', '--csv']);
    assert.equal(csv.code, 0, csv.stderr);
    const [header, ...body] = csv.stdout.trim().split('\n');
    assert.equal(
      header,
      'workflowId,runId,job,type,customer,env,fireTime,status,startTime,closeTime,durationMs,url',
    );
    assert.equal(body.length, 3);
    assert.equal(csv.stderr.trim(), '3 runs');
  });

  it('filters by job and by nominal fire time exactly', async () => {
    const job = await cli(['runs', 'list', '--job', `report-${globex}`, '--count']);
    assert.equal(job.stdout.trim(), '3');
    // Runs started directly carry no TemporalScheduledStartTime: a fire window excludes them.
    const fired = await cli([
      'runs',
      'list',
      '--customer',
      acme,
      '--fired-from',
      '2026-11-20T10:00:00Z',
      '--count',
    ]);
    assert.equal(fired.code, 0, fired.stderr);
    assert.equal(fired.stdout.trim(), '0');
    const since = await cli(['runs', 'list', '--customer', acme, '--since', '1h', '--count']);
    assert.equal(since.stdout.trim(), '3');
    const raw = await cli([
      'runs',
      'list',
      '--customer',
      acme,
      '--query',
      `WorkflowId = '${ids[acme]?.[0]}'`,
      '--count',
    ]);
    assert.equal(raw.stdout.trim(), '1');
  });

  it('shows a run with its steps, result and link', async () => {
    const id = ids[acme]?.[0] ?? '';
    const shown = await cli(['runs', 'show', id, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as JsonRun & {
      steps: { step: string; state: string; attempts: number; durationMs: number }[];
      compensations: unknown[];
      result: { fireTime: string };
    };
    assert.equal(run.workflowId, id);
    assert.equal(run.customer, acme);
    assert.deepEqual(
      run.steps.map((s) => [s.step, s.state, s.attempts]),
      [
        ['summarizeDay', 'completed', 1],
        ['publishSummary', 'completed', 1],
      ],
    );
    assert.ok(run.steps.every((s) => s.durationMs >= 0));
    assert.deepEqual(run.compensations, []);
    assert.equal(run.result.fireTime, '2026-11-20T10:00:00.000Z');
    const text = await cli(['runs', 'show', id]);
    assert.match(text.stdout, /summarizeDay\s+completed\s+1/);
    assert.match(text.stdout, /Web UI\s+http:\/\/ui\.example:8080\//);
    const missing = await cli(['runs', 'show', `nope-${suffix}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no run with workflow id 'nope-/);
  });

  it('documents every new command with --help', async () => {
    for (const command of [['runs', 'list'], ['runs', 'show'], ['audit'], ['worker']]) {
      const result = await runCli([...command, '--help']);
      assert.equal(result.code, 0, command.join(' '));
      assert.match(result.stdout, new RegExp(`Usage: durable-cron ${command.join(' ')}`));
    }
  });

  it('rejects bad flags with one line naming the flag and the valid values', async () => {
    const status = await cli(['runs', 'list', '--status', 'exploded']);
    assert.equal(status.code, 2);
    assert.match(
      status.stderr,
      /--status 'exploded' is not one of running, completed, failed, canceled, terminated, timed-out, compensated/,
    );
    const since = await cli(['runs', 'list', '--since', 'yesterday']);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since 'yesterday' is neither an RFC 3339 time/);
    const limit = await cli(['runs', 'list', '--limit', '0']);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit '0' must be a positive integer/);
  });
});
