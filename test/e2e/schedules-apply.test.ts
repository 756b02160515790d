/**
 * `apply` against a real dev server: the round trip (what describe shows is what the file
 * says), idempotence proven by the RPCs sent and by the server's update times, one update per
 * changed job, --dry-run, paused state, --prune that never touches foreign schedules, retries of
 * transient errors by the production interceptor chain (counted on the wire), partial failure and
 * the second apply that finishes it, and progress.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { after, before, describe, it } from 'node:test';
import { clientInterceptors } from '../../src/connection';
import { RPC_ATTEMPTS } from '../../src/grpc-retry';
import { parseJobsFile } from '../../src/jobs/load';
import { executePlan } from '../../src/schedules/apply';
import { scheduleSpecFor } from '../../src/schedules/build';
import { planApply } from '../../src/schedules/plan';
import { ScheduleRpc } from '../../src/schedules/schedule-rpc';
import { specMeaning, specModelOf } from '../../src/schedules/spec-model';
import { fireTimesBetween } from '../../src/calendar';
import { runCli } from '../helpers/cli';
import { faultInterceptor } from '../helpers/faults';
import { shopRegistry } from '../helpers/jobs';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

interface ApplyJson {
  plan: { jobId: string; action: string; fields?: string[] }[];
  changes: { jobId: string; action: string; fields?: string[] }[];
  unchanged: string[];
  rpcs: Record<string, number>;
}

const dir = mkdtempSync(join(tmpdir(), 'durable-cron-apply-'));
const s = randomUUID().slice(0, 6);
/** The round-trip files' project: they are written under several names, all one project. */
const RT_PROJECT = `rt-${s}`;
const POLICIES = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'];

function roundTripFile(extra = ''): string {
  const jobs = POLICIES.map(
    (p, i) => `  - id: rt-${i}-${s}
    type: daily-summary
    customer: acme-${s}
    env: prod
    overlap: ${p}
    schedule:
${
  i % 2 === 0
    ? `      cron: ["30 2 * * 1-5", "0 */6 * * *"]
      timezone: Asia/Shanghai
      skip: [cn-holidays, weekends]`
    : `      every: 15m
      offset: ${i}m`
}
${i === 1 ? '      jitter: 30s\n      startAt: 2026-01-01T00:00:00Z\n      endAt: 2030-01-01T00:00:00+08:00\n' : ''}    input: {title: Job ${i}}
`,
  );
  return `version: 1
project: ${RT_PROJECT}
defaults:
  timezone: Europe/Berlin
  catchupWindow: 10m
  pauseOnFailure: true
  jitter: 0s
calendars:
  cn-holidays: [2026-10-01, {from: 2026-10-02, to: 2026-10-07}]
jobs:
${jobs.join('')}${extra}`;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('apply: jobs as code', () => {
  let temporal: TestTemporal;

  before(async () => {
    temporal = await startTestTemporal();
  });
  after(async () => {
    await temporal?.stop();
  });

  async function apply(file: string, ...flags: string[]): Promise<ApplyJson> {
    const { config } = temporal;
    const r = await runCli([
      'apply',
      '-f',
      file,
      '--address',
      config.address,
      '--task-queue',
      config.taskQueue,
      '--json',
      ...flags,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ApplyJson;
  }

  async function updateTimes(): Promise<Map<string, string>> {
    const times = new Map<string, string>();
    for await (const sc of temporal.client.schedule.list()) {
      const d = await temporal.client.schedule.getHandle(sc.scheduleId).describe();
      times.set(sc.scheduleId, `${d.info.lastUpdatedAt?.toISOString()} ${d.state.paused}`);
    }
    return times;
  }

  it('round trip: describe shows what the file says (by meaning)', async () => {
    const file = write('rt.yaml', roundTripFile());
    const result = await apply(file);
    assert.equal(result.changes.length, 6);
    assert.ok(result.changes.every((c) => c.action === 'create'));
    const parsed = parseJobsFile(roundTripFile(), '<jobs file>', shopRegistry());
    const { client } = temporal;
    for (const [i, job] of parsed.jobs.entries()) {
      const d = await client.schedule.getHandle(job.id).describe();
      assert.deepEqual(specMeaning(d.spec), specMeaning(scheduleSpecFor(job, parsed.calendars)), job.id);
      assert.equal(d.policies.overlap, POLICIES[i]?.toUpperCase().replace('-', '_'));
      assert.equal(d.policies.catchupWindow, 600_000);
      assert.equal(d.policies.pauseOnFailure, true);
      assert.deepEqual(d.action.args, [
        {
          jobId: job.id,
          customer: `acme-${s}`,
          env: 'prod',
          timezone: d.spec.timezone,
          input: { title: `Job ${i}` },
        },
      ]);
      if (i % 2 === 0) {
        assert.equal(d.spec.timezone, 'Asia/Shanghai');
        assert.equal(d.spec.calendars?.length, 2);
        // Named holidays (two calendars) plus weekends.
        assert.equal(d.spec.skip?.length, 3);
        const model = specModelOf(d.spec);
        const holiday = fireTimesBetween(
          model,
          new Date('2026-10-01T00:00:00+08:00'),
          new Date('2026-10-08T00:00:00+08:00'),
        );
        assert.deepEqual(holiday, [], 'no fire on a listed holiday');
      } else {
        assert.equal(d.spec.timezone, 'Europe/Berlin');
        assert.deepEqual(d.spec.intervals, [{ every: 900_000, offset: i * 60_000 }]);
      }
      if (i === 1) {
        assert.equal(d.spec.jitter, 30_000);
        assert.equal(d.spec.startAt?.toISOString(), '2026-01-01T00:00:00.000Z');
        assert.equal(d.spec.endAt?.toISOString(), '2029-12-31T16:00:00.000Z');
      } else {
        assert.equal(d.spec.jitter ?? 0, 0);
        // Without jitter the server's next action times are exactly the spec's fire times.
        const ours = fireTimesBetween(
          specModelOf(d.spec),
          new Date(),
          new Date(Date.now() + 30 * 86_400_000),
          3,
        );
        assert.deepEqual(
          d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
          ours.map((t) => t.toISOString()),
        );
      }
    }
  });

  it('re-applying an unchanged file sends no create or update calls and leaves the server as it was', async () => {
    const before = await updateTimes();
    const result = await apply(join(dir, 'rt.yaml'));
    assert.deepEqual(result.changes, []);
    assert.equal(result.unchanged.length, 6);
    assert.equal(result.rpcs.create, 0);
    assert.equal(result.rpcs.update, 0);
    assert.equal(result.rpcs.delete, 0);
    assert.deepEqual(await updateTimes(), before);
  });

  it('changing one job sends one update naming the changed fields', async () => {
    const before = await updateTimes();
    const changed = roundTripFile()
      .replace('input: {title: Job 3}', 'input: {title: Job three}')
      .replace('offset: 3m', 'offset: 4m');
    const file = write('rt-changed.yaml', changed);
    const result = await apply(file);
    assert.deepEqual(result.changes, [
      { jobId: `rt-3-${s}`, action: 'update', fields: ['action.args', 'spec.intervals'] },
    ]);
    assert.equal(result.rpcs.update, 1);
    assert.equal(result.rpcs.create, 0);
    const after = await updateTimes();
    for (const [id, t] of before) {
      if (id === `rt-3-${s}`) assert.notEqual(after.get(id), t);
      else assert.equal(after.get(id), t, id);
    }
    // And back, so later tests start from rt.yaml.
    assert.equal((await apply(join(dir, 'rt.yaml'))).rpcs.update, 1);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const before = await updateTimes();
    const file = write('dry.yaml', roundTripFile().replace('overlap: allow-all', 'overlap: skip'));
    const { config } = temporal;
    const r = await runCli([
      'apply',
      '-f',
      file,
      '--address',
      config.address,
      '--task-queue',
      config.taskQueue,
      '--dry-run',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`~ update rt-5-${s} \\(policies\\.overlap\\)`));
    assert.match(r.stdout, /Dry run: nothing was changed\./);
    assert.deepEqual(await updateTimes(), before);
  });

  it('leaves paused state alone unless the file sets paused', async () => {
    const id = `rt-0-${s}`;
    const { config } = temporal;
    const paused = await runCli([
      'schedules',
      'pause',
      id,
      '--note',
      'investigating',
      '--address',
      config.address,
    ]);
    assert.equal(paused.code, 0, paused.stderr);
    const again = await apply(join(dir, 'rt.yaml'));
    assert.deepEqual(again.changes, []);
    assert.equal((await temporal.client.schedule.getHandle(id).describe()).state.paused, true);

    const unpause = write(
      'rt-unpause.yaml',
      roundTripFile().replace(`id: ${id}\n`, `id: ${id}\n    paused: false\n    note: running again\n`),
    );
    const result = await apply(unpause);
    assert.deepEqual(result.changes, [
      { jobId: id, action: 'update', fields: ['state.note', 'state.paused'] },
    ]);
    const d = await temporal.client.schedule.getHandle(id).describe();
    assert.equal(d.state.paused, false);
    assert.equal(d.state.note, 'running again');
    assert.deepEqual((await apply(unpause)).changes, []);
  });

  it('--prune deletes only the managed schedule the file dropped; foreign schedules survive', async () => {
    const { client } = temporal;
    const foreign = `foreign-${s}`;
    await client.schedule.create({
      scheduleId: foreign,
      spec: { intervals: [{ every: '1h' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'dailySummary',
        taskQueue: 'elsewhere',
        workflowId: foreign,
      },
    });
    const without = roundTripFile().replace(/ {2}- id: rt-5-[\s\S]*$/, '');
    const file = write('rt-without-5.yaml', without);
    const noPrune = await apply(file);
    assert.deepEqual(noPrune.plan, []);
    assert.equal(noPrune.rpcs.delete, 0);
    const pruned = await apply(file, '--prune');
    assert.deepEqual(pruned.changes, [{ jobId: `rt-5-${s}`, action: 'delete' }]);
    assert.equal(pruned.rpcs.delete, 1);
    const ids: string[] = [];
    for await (const sc of client.schedule.list()) ids.push(sc.scheduleId);
    assert.ok(ids.includes(foreign));
    assert.ok(!ids.includes(`rt-5-${s}`));
    assert.equal((await apply(file, '--prune')).rpcs.delete, 0);
  });

  it('retries transient errors; a partial failure reports what changed, and a second apply finishes', async () => {
    const flaky = `flaky-${s}`;
    const broken = `broken-${s}`;
    const gone = `gone-${s}`;
    const fine = `fine-${s}`;
    const text = roundTripFile(
      [flaky, broken, gone, fine]
        .map((id) => `  - {id: ${id}, type: daily-summary, customer: c, env: e, schedule: {every: 1h}}\n`)
        .join(''),
    ).replace(/ {2}- id: rt-5-[\s\S]*?(?= {2}- \{id: flaky)/, '');
    const file = parseJobsFile(text, '<jobs file>', shopRegistry());
    const faults = faultInterceptor([
      { method: 'CreateSchedule', contains: flaky, code: status.UNAVAILABLE, times: 2 },
      { method: 'CreateSchedule', contains: broken, code: status.INVALID_ARGUMENT, times: Infinity },
      { method: 'CreateSchedule', contains: gone, code: status.UNAVAILABLE, times: Infinity },
    ]);
    // The production chain (count scope, retry, count per attempt), the faults below it on the wire.
    const connection = await Connection.connect({
      address: temporal.config.address,
      interceptors: clientInterceptors({ nearWire: [faults.interceptor] }),
    });
    try {
      const rpc = new ScheduleRpc(new Client({ connection }));
      const plan = await planApply(rpc, file, { taskQueue: temporal.config.taskQueue, project: RT_PROJECT });
      assert.deepEqual(
        plan.changes.map((c) => `${c.action} ${c.jobId}`),
        [`create ${flaky}`, `create ${broken}`, `create ${gone}`, `create ${fine}`],
      );
      const results = await executePlan(rpc, plan);
      assert.deepEqual(
        results.map((r) => [r.change.jobId, r.error === undefined]),
        [
          [flaky, true],
          [broken, false],
          [gone, false],
          [fine, true],
        ],
      );
      assert.match(results[1]?.error ?? '', /create schedule/i);
      assert.match(results[2]?.error ?? '', /create schedule/i);
      assert.equal(faults.hits.get(flaky), 2, 'the flaky create failed twice, then was retried to success');
      assert.equal(faults.hits.get(broken), 1, 'INVALID_ARGUMENT is not retried');
      assert.equal(faults.hits.get(gone), RPC_ATTEMPTS, 'one retry layer: the attempts of one policy');
      assert.equal(
        rpc.counts.create,
        3 + 1 + RPC_ATTEMPTS + 1,
        'counted per attempt: flaky 3, broken 1, gone every attempt, fine 1',
      );
      assert.equal(rpc.counts.list, 1, 'one page of the schedule list');
    } finally {
      await connection.close();
    }
    const second = await apply(write('partial.yaml', text));
    assert.deepEqual(second.changes, [
      { jobId: broken, action: 'create' },
      { jobId: gone, action: 'create' },
    ]);
    assert.equal(second.rpcs.create, 2);
  });

  it('shows progress for more than 50 changes', async () => {
    const jobs = Array.from(
      { length: 55 },
      (_, i) =>
        `  - {id: many-${i}-${s}, type: daily-summary, customer: c, env: e, schedule: {cron: "0 3 * * *"}}\n`,
    ).join('');
    const file = write('many.yaml', `jobs:\n${jobs}`);
    const { config } = temporal;
    const r = await runCli([
      'apply',
      '-f',
      file,
      '--address',
      config.address,
      '--task-queue',
      config.taskQueue,
      '--concurrency',
      '16',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^progress: 6\/55 changes \(11%\)$/m);
    assert.match(r.stderr, /^progress: 55\/55 changes \(100%\)$/m);
    assert.match(r.stdout, /55 created, 0 updated, 0 deleted, 0 unchanged/);
  });
});
