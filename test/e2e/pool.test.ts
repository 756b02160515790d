/**
 * The worker pool as operators run it: `durable-cron worker --processes 2` with metrics and
 * health; a process killed with SIGKILL is replaced; SIGTERM drains, letting an in-flight step
 * finish, then exits 0; JSON logs carry workflowId, job, step and attempt.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../src/dev-server/dev-server';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE } from '../../src/search-attributes';
import { CLI } from '../helpers/cli';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

interface Health {
  status: string;
  processes: { slot: number; pid: number | undefined; polling: boolean; restarts: number }[];
}

/** A spawned process with its output collected. */
function launch(args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

async function health(port: number): Promise<{ code: number; body: Health }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { code: response.status, body: (await response.json()) as Health };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('worker pool', () => {
  let temporal: TestTemporal;
  const started: ChildProcess[] = [];

  before(async () => {
    temporal = await startTestTemporal();
  });

  after(async () => {
    for (const child of started)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await temporal?.stop();
  });

  it('replaces a process killed with SIGKILL, serves metrics and health, and stops with exit 0', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'durable-cron-pool-'));
    const pool = launch([
      CLI,
      'worker',
      '--processes',
      '2',
      '--metrics-port',
      String(port),
      '--log-format',
      'json',
      '--data-dir',
      dataDir,
      '--max-activities',
      '4',
      '--address',
      temporal.config.address,
      '--task-queue',
      temporal.config.taskQueue,
    ]);
    started.push(pool.child);

    const first = await eventually(
      'both processes polling',
      async () => {
        const h = await health(port);
        return h.code === 200 ? h.body : undefined;
      },
      90_000,
    );
    assert.deepEqual(
      first.processes.map((p) => [p.slot, p.polling, p.restarts]),
      [
        [1, true, 0],
        [2, true, 0],
      ],
    );
    const victim = first.processes[0]?.pid;
    assert.ok(victim !== undefined && alive(victim));
    process.kill(victim, 'SIGKILL');

    const replaced = await eventually(
      'slot 1 replaced',
      async () => {
        const h = await health(port);
        const slot = h.body.processes[0];
        return h.code === 200 && slot && slot.pid !== victim && slot.restarts === 1 ? h.body : undefined;
      },
      90_000,
    );
    assert.equal(replaced.processes[1]?.pid, first.processes[1]?.pid, 'the other process kept running');
    const died = pool
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === 'process died; restarting');
    assert.ok(died, pool.output());
    assert.equal(died.slot, 1);
    assert.equal(died.how, 'killed by SIGKILL');
    assert.equal(died.reason, 'signal SIGKILL');

    // A run on the pool: counted by job type, its steps logged with workflowId, job, step, attempt.
    const jobId = `pooled-${randomUUID().slice(0, 8)}`;
    const workflowId = `${jobId}-2026-11-20T10:00:00Z`;
    await temporal.client.workflow.execute('dailySummary', {
      workflowId,
      taskQueue: temporal.config.taskQueue,
      args: [
        {
          jobId,
          customer: 'acme',
          env: 'prod',
          timezone: 'UTC',
          input: { title: 'P' },
          fireTime: '2026-11-20T10:00:00Z',
        },
      ],
      typedSearchAttributes: [
        { key: CUSTOMER, value: 'acme' },
        { key: ENV, value: 'prod' },
        { key: JOB_ID, value: jobId },
        { key: JOB_TYPE, value: 'daily-summary' },
      ],
    });
    const metrics = await eventually('run metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /durable_cron_runs_completed\{[^}]*job_type="daily-summary"[^}]*\} 1/.test(text)
        ? text
        : undefined;
    });
    assert.match(metrics, /durable_cron_runs_started\{process="[12]",[^}]*job_type="daily-summary"/);
    assert.match(metrics, /durable_cron_step_duration_count\{[^}]*step="publishSummary"/);
    assert.match(metrics, /durable_cron_pool_restarts_total\{process="1"\} 1/);
    assert.match(metrics, /temporal_num_pollers\{process="2"/);
    // Each family appears once, as Prometheus requires.
    assert.equal(metrics.match(/^# TYPE temporal_num_pollers /gm)?.length, 1);
    const stepLog = await eventually('a step log line', () =>
      Promise.resolve(
        pool
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find(
            (l) =>
              l.message === 'step completed' && l.workflowId === workflowId && l.step === 'publishSummary',
          ),
      ),
    );
    assert.equal(stepLog.job, jobId);
    assert.equal(stepLog.attempt, 1);
    assert.equal(typeof stepLog.durationMs, 'number');
    assert.equal(stepLog.taskToken, undefined);

    pool.child.kill('SIGTERM');
    assert.equal(await pool.exit, 0, pool.output());
    for (const p of replaced.processes)
      assert.ok(p.pid === undefined || !alive(p.pid), `process ${p.pid} exited`);
  });

  it('drains on SIGTERM: no new tasks, the in-flight step finishes, then exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-drain-'));
    const entry = join(__dirname, '..', 'fixtures', 'pool-main.js');
    const pool = launch([
      entry,
      JSON.stringify({
        address: temporal.config.address,
        taskQueue: temporal.config.taskQueue,
        processes: 1,
        grace: '60s',
        graceMs: 60_000,
        dataDir: dir,
      }),
    ]);
    started.push(pool.child);
    await eventually(
      'the pool polling',
      () => Promise.resolve(pool.output().includes('"state":"RUNNING"') || undefined),
      90_000,
    );

    const id = `hold-${randomUUID().slice(0, 8)}`;
    const handle = await temporal.client.workflow.start('holdJob', {
      workflowId: id,
      taskQueue: temporal.config.taskQueue,
      args: [dir, 'first'],
    });
    await eventually('the step in flight', () =>
      Promise.resolve(existsSync(join(dir, 'first.started')) || undefined),
    );

    pool.child.kill('SIGTERM');
    await eventually('draining', () => Promise.resolve(pool.output().includes('draining') || undefined));
    // Started after the drain began: no process may pick it up.
    const late = await temporal.client.workflow.start('holdJob', {
      workflowId: `${id}-late`,
      taskQueue: temporal.config.taskQueue,
      args: [dir, 'late'],
    });
    assert.equal(pool.child.exitCode, null, 'still running while the step is in flight');
    writeFileSync(join(dir, 'first.release'), '');
    assert.equal(await pool.exit, 0, pool.output());

    assert.ok(existsSync(join(dir, 'first.finished')), 'the in-flight step finished');
    const history = await handle.fetchHistory();
    const completed = history.events?.find((e) => e.activityTaskCompletedEventAttributes);
    assert.ok(completed, 'the step completion reached the server');
    assert.equal(existsSync(join(dir, 'late.started')), false, 'no new task was taken');
    const lateHistory = await late.fetchHistory();
    assert.equal(lateHistory.events?.some((e) => e.activityTaskScheduledEventAttributes) ?? false, false);
    await late.terminate('test done');
    await handle.terminate('test done').catch(() => {});
  });
});
