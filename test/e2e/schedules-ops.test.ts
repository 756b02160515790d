/**
 * `durable-cron schedules ...` against a real dev server: exactly-once backfill (and --force),
 * skip calendars in the next fire times, pause/unpause --catch-up, trigger, delete, list filters,
 * and unknown ids. Runs stay open without a worker, so tests terminate runs to make them
 * "already ran and closed", the case where a plain Temporal backfill would run a fire again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { backfillFireTimes, fireHasRun, fireWorkflowId, runsByFireTime } from '../../src/schedules/fire-runs';
import { formatFireTime } from '../../src/rfc3339';
import { pauseSchedule } from '../../src/schedules/operations';
import { ScheduleRpc } from '../../src/schedules/schedule-rpc';
import { cliAgainst, runCli } from '../helpers/cli';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const s = randomUUID().slice(0, 6);
const BF = `bf-${s}`;
const HOL = `hol-${s}`;
const CU = `cu-${s}`;
const TEN_MIN = 600_000;
const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('schedule operations', () => {
  let temporal: TestTemporal;

  const cli = cliAgainst(() => temporal.config);
  async function cliJson<T>(...args: string[]): Promise<T> {
    const r = await cli([...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  }
  /** Runs per fire time (visibility), once `expected` fires are visible. */
  async function runCounts(id: string, fires: Date[], expected: number[]): Promise<number[]> {
    const from = fires[0] as Date;
    const to = fires.at(-1) as Date;
    return eventually('runs in visibility', async () => {
      const runs = await runsByFireTime(temporal.client, id, from, to);
      const counts = fires.map((f) => runs.get(f.toISOString())?.length ?? 0);
      return JSON.stringify(counts) === JSON.stringify(expected) ? counts : undefined;
    });
  }
  async function terminate(id: string, fires: Date[]): Promise<void> {
    for (const f of fires) {
      await eventually('run to exist', async () =>
        (await fireHasRun(temporal.client, id, f)) ? true : undefined,
      );
      await temporal.client.workflow.getHandle(fireWorkflowId(id, f)).terminate('test: make it a closed run');
    }
  }

  before(async () => {
    temporal = await startTestTemporal();
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-ops-'));
    const file = join(dir, 'jobs.yaml');
    writeFileSync(
      file,
      `version: 1
calendars:
  days-off: [{from: ${day(1)}, to: ${day(2)}}]
jobs:
  - {id: ${BF}, type: daily-summary, customer: acme-${s}, env: prod, schedule: {every: 10m}}
  - {id: ${CU}, type: daily-summary, customer: acme-${s}, env: staging, schedule: {every: 10m}}
  - id: ${HOL}
    type: daily-summary
    customer: globex-${s}
    env: staging
    schedule: {cron: "0 9 * * *", skip: [days-off]}
`,
    );
    const applied = await runCli([
      'apply',
      '-f',
      file,
      '--address',
      temporal.config.address,
      '--task-queue',
      temporal.config.taskQueue,
    ]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    await temporal?.stop();
  });

  it('backfill starts only the fire times without a run; --force re-runs all', async () => {
    const start = new Date(Math.floor(Date.now() / TEN_MIN) * TEN_MIN - 6 * TEN_MIN);
    const fires = [0, 1, 2, 3].map((i) => new Date(start.getTime() + i * TEN_MIN));
    const [f0, f1, f2, f3] = fires as [Date, Date, Date, Date];
    await backfillFireTimes(temporal.client, BF, [f0, f2]);
    await terminate(BF, [f0, f2]);
    const window = ['--from', f0.toISOString(), '--to', f3.toISOString()];

    const dry = await cliJson<{ started: string[]; dryRun: boolean }>(
      'schedules',
      'backfill',
      BF,
      ...window,
      '--dry-run',
    );
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.started, [formatFireTime(f1), formatFireTime(f3)]);

    const report = await cliJson<{
      fireTimes: string[];
      started: string[];
      skipped: { fireTime: string; workflowId: string }[];
    }>('schedules', 'backfill', BF, ...window);
    assert.deepEqual(
      report.fireTimes,
      fires.map((f) => formatFireTime(f)),
    );
    assert.deepEqual(report.started, [formatFireTime(f1), formatFireTime(f3)]);
    assert.deepEqual(
      report.skipped.map((x) => x.workflowId),
      [fireWorkflowId(BF, f0), fireWorkflowId(BF, f2)],
    );
    assert.deepEqual(await runCounts(BF, fires, [1, 1, 1, 1]), [1, 1, 1, 1]);

    // Again: everything ran, nothing starts; the human output says what it skips.
    const again = await cli(['schedules', 'backfill', BF, ...window]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /4 fire time\(s\) of .*: 0 to run, 4 already ran/);
    assert.match(
      again.stdout,
      new RegExp(`skip {2}${formatFireTime(f1)} \\(ran as ${fireWorkflowId(BF, f1)}\\)`),
    );

    await terminate(BF, [f1, f3]);
    const forced = await cliJson<{ started: string[]; force: boolean }>(
      'schedules',
      'backfill',
      BF,
      ...window,
      '--force',
    );
    assert.equal(forced.force, true);
    assert.equal(forced.started.length, 4);
    assert.deepEqual(await runCounts(BF, fires, [2, 2, 2, 2]), [2, 2, 2, 2]);
  });

  it('skip calendars: a fire time on a listed holiday is not among the next fire times', async () => {
    const details = await cliJson<{ nextFireTimes: string[]; info: { nextActionTimes: string[] } }>(
      'schedules',
      'describe',
      HOL,
    );
    // Our fields say fire times as users read them; `info` is the server's description as is.
    const holidays = [`${day(1)}T09:00:00Z`, `${day(2)}T09:00:00Z`];
    for (const h of holidays) {
      assert.ok(!details.nextFireTimes.includes(h), `${h} is skipped`);
      assert.ok(!details.info.nextActionTimes.map(formatFireTime).includes(h), `the server skips ${h} too`);
    }
    assert.ok(details.nextFireTimes.includes(`${day(3)}T09:00:00Z`));
    assert.equal(details.nextFireTimes.length, 10);
    // The next fire times shown are the server's own next action times.
    assert.deepEqual(details.nextFireTimes, details.info.nextActionTimes.slice(0, 10).map(formatFireTime));
    const human = await cli(['schedules', 'describe', HOL]);
    assert.match(human.stdout, /skip: {10}days-off: skip .* \(all day on /);
  });

  it('pause records when; unpause --catch-up runs each fire skipped while paused exactly once', async () => {
    const rpc = new ScheduleRpc(temporal.client);
    // Paused 35 minutes ago (through the library, to reach a past pause without waiting).
    const pausedAt = new Date(Date.now() - 35 * 60_000);
    await pauseSchedule(rpc, CU, 'default', { note: 'deploy freeze', now: pausedAt });
    // The expected fires are the ten-minute marks up to now: go on well inside a ten-minute window,
    // so that no mark passes between computing them and the catch-up (the test takes a few seconds).
    const toNextMark = TEN_MIN - (Date.now() % TEN_MIN);
    if (toNextMark < 60_000) await delay(toNextMark + 1_000);
    const fires: Date[] = [];
    for (let t = Math.ceil(pausedAt.getTime() / TEN_MIN) * TEN_MIN; t < Date.now(); t += TEN_MIN)
      fires.push(new Date(t));
    assert.ok(fires.length >= 3);
    const first = fires[0] as Date;
    // One of the skipped fires already ran (someone backfilled it): catch-up must not run it again.
    await backfillFireTimes(temporal.client, CU, [first]);
    await terminate(CU, [first]);

    const listed = await cliJson<{ schedules: { id: string; paused: boolean; note: string }[] }>(
      'schedules',
      'list',
      '--customer',
      `acme-${s}`,
      '--paused',
    );
    assert.deepEqual(
      listed.schedules.map((r) => [r.id, r.paused, r.note]),
      [[CU, true, 'deploy freeze']],
    );
    const described = await cli(['schedules', 'describe', CU]);
    assert.match(
      described.stdout,
      new RegExp(`paused since ${pausedAt.toISOString()} \\(note: deploy freeze\\)`),
    );

    const result = await cliJson<{
      changed: boolean;
      catchUp: { since: string; started: string[]; skipped: { fireTime: string }[] };
    }>('schedules', 'unpause', CU, '--catch-up');
    assert.equal(result.changed, true);
    assert.equal(result.catchUp.since, 'recorded pause');
    assert.deepEqual(
      result.catchUp.skipped.map((x) => x.fireTime),
      [formatFireTime(first)],
    );
    assert.deepEqual(
      result.catchUp.started,
      fires.slice(1).map((f) => formatFireTime(f)),
    );
    const ones = fires.map(() => 1);
    assert.deepEqual(await runCounts(CU, fires, ones), ones);
    const d = await temporal.client.schedule.getHandle(CU).describe();
    assert.equal(d.state.paused, false);
  });

  it('unpause --catch-up of a schedule paused outside durable-cron starts after its last run', async () => {
    await temporal.client.schedule.getHandle(BF).pause('paused in the Web UI');
    const result = await cliJson<{
      catchUp: { since: string; fireTimes: string[]; started: string[]; skipped: unknown[] };
    }>('schedules', 'unpause', BF, '--catch-up');
    assert.equal(result.catchUp.since, 'last run');
    assert.equal(
      result.catchUp.started.length + result.catchUp.skipped.length,
      result.catchUp.fireTimes.length,
    );
  });

  it('trigger runs now, list shows the last run, delete removes, and unknown ids are named', async () => {
    const triggered = await cliJson<{ workflowId?: string }>('schedules', 'trigger', HOL);
    assert.match(triggered.workflowId ?? '', new RegExp(`^${HOL}-`));
    const rows = await cliJson<{
      schedules: { id: string; lastRunStatus?: string; nextFire?: string; env: string }[];
    }>('schedules', 'list', '--env', 'staging');
    assert.deepEqual(rows.schedules.map((r) => r.id).sort(), [CU, HOL].sort());
    const hol = rows.schedules.find((r) => r.id === HOL);
    assert.equal(hol?.lastRunStatus, 'RUNNING');
    assert.match(hol?.nextFire ?? '', /T09:00:00Z$/);

    const before: string[] = [];
    for await (const x of temporal.client.schedule.list()) before.push(x.scheduleId);
    const missing = `nope-${s}`;
    for (const args of [
      ['describe', missing],
      ['pause', missing],
      ['unpause', missing, '--catch-up'],
      ['trigger', missing],
      ['backfill', missing, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'],
      ['delete', missing],
    ]) {
      const r = await cli(['schedules', ...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr.trim(), `error: schedule '${missing}' not found in namespace 'default'`);
    }
    const bad = await cli([
      'schedules',
      'backfill',
      HOL,
      '--from',
      'yesterday',
      '--to',
      '2026-01-02T00:00:00Z',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from 'yesterday' is neither an RFC 3339 time/);

    const concurrency = await runCli(['apply', '-f', 'jobs.yaml', '--concurrency', '0']);
    assert.equal(concurrency.code, 2);
    assert.equal(concurrency.stderr.trim(), "error: --concurrency '0' must be an integer from 1 to 64");

    for (const command of ['list', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete']) {
      const help = await runCli(['schedules', command, '--help']);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`Usage: durable-cron schedules ${command}`));
    }

    const deleted = await cli(['schedules', 'delete', HOL]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const after: string[] = [];
    for await (const x of temporal.client.schedule.list()) after.push(x.scheduleId);
    assert.deepEqual(after.sort(), before.filter((x) => x !== HOL).sort());
  });
});
