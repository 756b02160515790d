/**
 * Exactly-once backfill under concurrency, on a real dev server with a worker running the fast
 * `daily-summary` job type: two backfills of one window started together, backfills racing the
 * schedule's own fires, and two `audit --backfill-missing` at once. A check-then-backfill would
 * run some fires twice here; every fire must end with exactly one run.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { auditJob } from '../../src/audit/audit';
import { connectNative } from '../../src/connection';
import { formatFireTime } from '../../src/rfc3339';
import type { DailySummaryResult } from '../../examples/shop/workflows/daily-summary';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillExactlyOnce } from '../../src/schedules/backfill';
import { fireWorkflowId, runsByFireTime } from '../../src/schedules/fire-runs';
import { describeOrThrow, pauseSchedule } from '../../src/schedules/operations';
import { ScheduleRpc } from '../../src/schedules/schedule-rpc';
import { SCHEDULED_BY_ID, SCHEDULED_START_TIME } from '../../src/search-attributes';
import { createWorker } from '../../src/worker/worker';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const s = randomUUID().slice(0, 6);
const RACE = `race-${s}`;
const LIVE = `live-${s}`;
const AUD = `aud-${s}`;
const MINUTE = 60_000;
const iso = (d: Date) => d.toISOString();

describe('exactly-once backfill under concurrency', () => {
  let temporal: TestTemporal;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let closeNative: (() => Promise<void>) | undefined;

  before(async () => {
    temporal = await startTestTemporal();
    const file = parseJobsFile(
      `version: 1
jobs:
  - {id: ${RACE}, type: daily-summary, customer: acme-${s}, env: test, schedule: {every: 1m}, paused: true}
  - {id: ${LIVE}, type: daily-summary, customer: acme-${s}, env: test, schedule: {every: 2s}}
  - {id: ${AUD}, type: daily-summary, customer: acme-${s}, env: test, schedule: {every: 10m}, paused: true}
`,
      'jobs.yaml',
      shopRegistry(),
    );
    await applyJobs(temporal.client, file, { taskQueue: temporal.config.taskQueue, project: 'jobs' });
    const native = await connectNative(temporal.config);
    closeNative = () => native.close();
    worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry: shopRegistry(),
      deps: { dataDir: mkdtempSync(join(tmpdir(), 'durable-cron-race-')) },
      shutdownGraceTime: '1s',
    });
    running = worker.run();
  });

  after(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await closeNative?.();
    await temporal?.stop();
  });

  /**
   * Waits for every fire's run to finish, then returns the runs per fire as visibility counts
   * them. Each fire's own record (describe of its workflow id: the latest run of that id) must be
   * the run visibility shows, and the workflow must have read the fire time it was started for.
   */
  async function runsPerFire(jobId: string, fires: readonly Date[]): Promise<number[]> {
    const { client } = temporal;
    for (const fire of fires) {
      const result = (await client.workflow
        .getHandle(fireWorkflowId(jobId, fire))
        .result()) as DailySummaryResult;
      assert.equal(result.fireTime, iso(fire), 'the run read its nominal fire time');
    }
    const from = fires[0] as Date;
    const to = fires.at(-1) as Date;
    const byFire = await eventually('every fire visible and closed', async () => {
      const runs = await runsByFireTime(client, jobId, from, to);
      const settled = fires.every((f) => {
        const list = runs.get(iso(f)) ?? [];
        return list.length > 0 && list.every((r) => r.status !== 'RUNNING');
      });
      return settled ? runs : undefined;
    });
    const counts: number[] = [];
    for (const fire of fires) {
      const runs = byFire.get(iso(fire)) ?? [];
      counts.push(runs.length);
      const own = await client.workflow.getHandle(fireWorkflowId(jobId, fire)).describe();
      assert.ok(
        runs.some((r) => r.runId === own.runId),
        `${iso(fire)}: the run of its id is the one visibility shows`,
      );
      assert.equal(own.typedSearchAttributes.get(SCHEDULED_START_TIME)?.toISOString(), iso(fire));
      assert.equal(own.typedSearchAttributes.get(SCHEDULED_BY_ID), jobId);
    }
    return counts;
  }

  it('two backfills of one window started together run each fire once', async () => {
    const { client } = temporal;
    const described = await describeOrThrow(new ScheduleRpc(client), RACE, 'default');
    let refused = 0;
    for (let round = 0; round < 3; round += 1) {
      // A fresh window of six past fire times each round.
      const base = Math.floor(Date.now() / MINUTE) * MINUTE - (60 + 10 * round) * MINUTE;
      const fires = [0, 1, 2, 3, 4, 5].map((i) => new Date(base + i * MINUTE));
      const [from, to] = [fires[0] as Date, fires.at(-1) as Date];
      const rpcs = [new ScheduleRpc(client), new ScheduleRpc(client)];
      const reports = await Promise.all(
        rpcs.map((rpc) => backfillExactlyOnce(client, rpc, described, from, to)),
      );
      for (const r of reports) {
        assert.deepEqual(r.fireTimes.map(iso), fires.map(iso));
        assert.equal(r.started.length + r.skipped.length, fires.length);
      }
      const started = reports.flatMap((r) => r.started.map(iso)).sort();
      assert.deepEqual(started, fires.map(iso), `round ${round}: each fire started by exactly one backfill`);
      // Starts the server refused: both backfills got past the "has it run?" check for those fires.
      refused += rpcs.reduce((n, rpc) => n + rpc.counts.start, 0) - fires.length;
      assert.deepEqual(
        await runsPerFire(RACE, fires),
        fires.map(() => 1),
      );
    }
    assert.ok(refused > 0, 'the backfills raced: both tried to start some fire');
  });

  it('backfills racing the schedule’s own fires leave every fire with one run', async () => {
    const { client } = temporal;
    const rpc = new ScheduleRpc(client);
    const described = await describeOrThrow(rpc, LIVE, 'default');
    const EVERY = 2_000;
    const loopStart = Date.now();
    const windowFrom = new Date(Math.ceil((loopStart - 6_000) / EVERY) * EVERY);
    let lastTo = windowFrom;
    let ours = 0;
    // Two loops backfill the last six seconds over and over while the schedule fires every 2 s:
    // fires just due are contended by the schedule and both loops.
    const loop = async (): Promise<void> => {
      while (Date.now() - loopStart < 20_000) {
        const to = new Date();
        const r = await backfillExactlyOnce(client, rpc, described, new Date(to.getTime() - 6_000), to);
        ours += r.started.length;
        if (to > lastTo) lastTo = to;
      }
    };
    await Promise.all([loop(), loop()]);
    const attempts = rpc.counts.start;
    await pauseSchedule(rpc, LIVE, 'default', { note: 'race test done' });
    const fires: Date[] = [];
    for (let t = windowFrom.getTime(); t <= lastTo.getTime(); t += EVERY) fires.push(new Date(t));
    // A fire the loops and the schedule both missed (overlap skip, a slow loop) is started now.
    await backfillExactlyOnce(client, rpc, described, windowFrom, lastTo);

    const own = (await client.schedule.getHandle(LIVE).describe()).info.numActionsTaken;
    assert.ok(own > 0, 'the schedule fired on its own');
    assert.ok(ours > 0, 'the backfills started fires too');
    assert.ok(attempts > ours, 'some backfill starts were refused: the races happened');
    assert.ok(fires.length >= 9, `${fires.length} fire times in the window`);
    assert.deepEqual(
      await runsPerFire(LIVE, fires),
      fires.map(() => 1),
    );
  });

  it('two audits with backfillMissing at once start each missing fire once', async () => {
    const { client } = temporal;
    const TEN_MIN = 10 * MINUTE;
    const base = Math.floor(Date.now() / TEN_MIN) * TEN_MIN - 12 * TEN_MIN;
    const fires = [0, 1, 2, 3, 4, 5].map((i) => new Date(base + i * TEN_MIN));
    const [f0, , , f3] = fires as [Date, Date, Date, Date];
    const [from, to] = [fires[0] as Date, fires.at(-1) as Date];
    // Two fires already ran.
    const rpc = new ScheduleRpc(client);
    const described = await describeOrThrow(rpc, AUD, 'default');
    for (const f of [f0, f3]) await backfillExactlyOnce(client, rpc, described, f, f);
    await runsPerFire(AUD, [f0, f3]);
    await eventually('both earlier runs visible', async () => {
      const runs = await runsByFireTime(client, AUD, from, to);
      return runs.size === 2 ? true : undefined;
    });
    // The audit reports fire times as users read them (`…Z`, as in run ids).
    const missing = fires.filter((f) => f !== f0 && f !== f3).map((f) => formatFireTime(f));

    const options = { from, to, backfillMissing: true, includeBeforeCreation: true };
    const reports = await Promise.all([
      auditJob(client, 'default', AUD, options),
      auditJob(client, 'default', AUD, options),
    ]);
    for (const r of reports) {
      assert.equal(r.ok, true, 'every missing fire has a run now');
      assert.deepEqual([...r.backfilled, ...r.alreadyStarted].sort(), r.missing);
      assert.deepEqual(r.duplicates, []);
    }
    assert.deepEqual(
      reports.flatMap((r) => r.backfilled).sort(),
      missing,
      'each missing fire started by exactly one audit',
    );
    assert.deepEqual(
      await runsPerFire(AUD, fires),
      fires.map(() => 1),
    );
    const clean = await eventually('a clean audit', async () => {
      const r = await auditJob(client, 'default', AUD, { from, to, includeBeforeCreation: true });
      return r.ranOnce === fires.length ? r : undefined;
    });
    assert.equal(clean.ok, true);
    assert.deepEqual(clean.missing, []);
  });
});
