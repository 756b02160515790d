/**
 * The fire audit walks its window in chunks, on a real dev server: with chunks forced down to a
 * few fires, duplicates, missing fires, a failed and a compensated run and a run the spec does not
 * produce sit on either side of chunk boundaries, and every chunk size reports exactly what one
 * chunk reports. Under overlap `skip` a dropped fire finds the open run of an earlier chunk. A
 * window of fires before the schedule existed is counted whole and listed only in part.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowIdReusePolicy, type ScheduleDescription } from '@temporalio/client';
import { auditJobInChunks, NOT_EXPECTED_SAMPLE, type AuditReport } from '../../src/audit/audit';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { fireWorkflowId, runsByFireTime } from '../../src/schedules/fire-runs';
import { ScheduleRpc } from '../../src/schedules/schedule-rpc';
import { fireStartOptions, startFiresOnce } from '../../src/schedules/start-fires';
import { OUTCOME } from '../../src/search-attributes';
import { runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';
import { formatFireTime } from '../../src/rfc3339';

const s = randomUUID().slice(0, 6);
const MIXED = `chunked-${s}`;
const SKIPPING = `chunked-skip-${s}`;
const TEN_MIN = 600_000;
// Times as the report writes them (fire times in whole seconds, as in run ids).
const iso = (d: Date) => formatFireTime(d);

describe('fire audit in chunks', () => {
  let temporal: TestTemporal;
  /** Ten-minute fire times in the past, f[0] the earliest; the schedules were created after them. */
  let f: Date[];

  before(async () => {
    temporal = await startTestTemporal();
    const file = parseJobsFile(
      `version: 1
jobs:
  - {id: ${MIXED}, type: daily-summary, customer: acme-${s}, env: test, schedule: {every: 10m}, overlap: allow-all, paused: true}
  - {id: ${SKIPPING}, type: daily-summary, customer: acme-${s}, env: test, schedule: {every: 10m}, overlap: skip, paused: true}
`,
      'jobs.yaml',
      shopRegistry(),
    );
    await applyJobs(temporal.client, file, { taskQueue: temporal.config.taskQueue, project: 'jobs' });
    const base = Math.floor(Date.now() / TEN_MIN) * TEN_MIN - 12 * TEN_MIN;
    f = Array.from({ length: 9 }, (_, i) => new Date(base + i * TEN_MIN));
  });

  after(async () => {
    if (!temporal) return;
    // No worker polls the task queue: every run still open is ended here.
    for await (const wf of temporal.client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
      await temporal.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('audit test done');
    }
    await temporal.stop();
  });

  /** Audits [from, to] in chunks of `chunkFires` (default size when undefined), noting each chunk. */
  async function audit(
    jobId: string,
    from: Date,
    to: Date,
    includeBeforeCreation: boolean,
    chunkFires?: number,
  ): Promise<{ report: AuditReport; chunks: { from: string; to: string; fires: number }[] }> {
    const chunks: { from: string; to: string; fires: number }[] = [];
    const report = await auditJobInChunks(
      temporal.client,
      'default',
      jobId,
      { from, to, includeBeforeCreation },
      { chunkFires, onChunk: (c) => chunks.push({ from: iso(c.from), to: iso(c.to), fires: c.fires }) },
    );
    return { report, chunks };
  }

  /** Waits until visibility shows `runs` runs of the job in [from, to], none of `terminated` still running. */
  async function visible(
    jobId: string,
    from: Date,
    to: Date,
    runs: number,
    terminated: number,
  ): Promise<void> {
    await eventually(`${runs} runs of ${jobId} visible`, async () => {
      const all = [...(await runsByFireTime(temporal.client, jobId, from, to)).values()].flat();
      const ended = all.filter((r) => r.status === 'TERMINATED').length;
      return all.length === runs && ended === terminated ? true : undefined;
    });
  }

  it('reports the same at every chunk size, with problems on both sides of chunk boundaries', async () => {
    const { client } = temporal;
    const rpc = new ScheduleRpc(client);
    const described: ScheduleDescription = await client.schedule.getHandle(MIXED).describe();
    const [f0, f1, f2, f3, f4, f5, f6, f7, f8] = f as [Date, Date, Date, Date, Date, Date, Date, Date, Date];
    // Chunks of 3 fires: [f0 f1 f2] [f3 f4 f5] [f6 f7 f8], each ending 1 ms before the next
    // chunk's first fire. f2 and f6 run twice, f3 and f5 never, f4's run is terminated, f7's
    // compensated, and a run 1 s before f3 matches no fire of the spec. The query of a chunk is
    // padded by 1 s: the second chunk's query sees the stray run and f6's runs, which it must leave
    // to the first and third chunks.
    const strayFire = new Date(f3.getTime() - 1_000);
    const started = await startFiresOnce(rpc, described, [f0, f1, f2, f4, f6, f8, strayFire]);
    assert.equal(started.started.length, 7);
    // f7's run as a saga that compensated marks itself.
    const f7Start = fireStartOptions(described, f7, WorkflowIdReusePolicy.REJECT_DUPLICATE);
    const pairs = f7Start.typedSearchAttributes;
    assert.ok(Array.isArray(pairs));
    await client.workflow.start(described.action.workflowType, {
      ...f7Start,
      typedSearchAttributes: [...pairs, { key: OUTCOME, value: 'compensated' }],
    });
    for (const fire of [f2, f4, f6]) {
      await client.workflow.getHandle(fireWorkflowId(MIXED, fire)).terminate('audit test');
    }
    // A second run of a fire whose first run ended: the doubles.
    const again = await startFiresOnce(rpc, described, [f2, f6], { force: true });
    assert.equal(again.started.length, 2);
    await visible(MIXED, f0, f8, 10, 3);

    const whole = await audit(MIXED, f0, f8, true);
    assert.equal(whole.chunks.length, 1, 'the default size audits these 9 fires in one chunk');
    const r = whole.report;
    assert.equal(r.expected, 9);
    assert.equal(r.ranOnce, 5);
    assert.deepEqual(r.missing, [iso(f3), iso(f5)]);
    assert.deepEqual(
      r.duplicates.map((d) => [d.fireTime, d.runs.map((run) => run.status).sort()]),
      [
        [iso(f2), ['RUNNING', 'TERMINATED']],
        [iso(f6), ['RUNNING', 'TERMINATED']],
      ],
    );
    assert.deepEqual(
      r.failed.map((d) => [d.fireTime, d.runs[0]?.status]),
      [[iso(f4), 'TERMINATED']],
    );
    assert.deepEqual(
      r.compensated.map((d) => d.fireTime),
      [iso(f7)],
    );
    assert.deepEqual(
      r.unexpected.map((d) => [d.fireTime, d.runs.length]),
      [[iso(strayFire), 1]],
    );
    assert.deepEqual(r.notExpected, []);
    assert.equal(r.ok, false);

    const bounds = (await audit(MIXED, f0, f8, true, 3)).chunks;
    assert.deepEqual(bounds, [
      { from: iso(f0), to: iso(new Date(f3.getTime() - 1)), fires: 3 },
      { from: iso(f3), to: iso(new Date(f6.getTime() - 1)), fires: 3 },
      { from: iso(f6), to: iso(f8), fires: 3 },
    ]);
    for (const includeBeforeCreation of [true, false]) {
      const one = includeBeforeCreation ? whole : await audit(MIXED, f0, f8, false);
      if (!includeBeforeCreation) {
        assert.deepEqual(one.report.missing, []);
        assert.deepEqual(
          one.report.notExpected.map((n) => [n.fireTime, n.reason]),
          [
            [iso(f3), 'before-creation'],
            [iso(f5), 'before-creation'],
          ],
        );
      }
      for (let size = 1; size <= 10; size++) {
        const chunked = await audit(MIXED, f0, f8, includeBeforeCreation, size);
        assert.equal(chunked.chunks.length, Math.ceil(9 / size), `chunks of ${size}`);
        assert.deepEqual(
          chunked.report,
          one.report,
          `chunks of ${size}, includeBeforeCreation ${includeBeforeCreation}`,
        );
      }
    }

    // An hour of this job is one chunk at the default size: the same two queries as before chunks.
    assert.equal((await audit(MIXED, f0, new Date(f0.getTime() + 3_600_000), true)).chunks.length, 1);
  });

  it('finds the run an overlap policy dropped a fire for in an earlier chunk', async () => {
    const { client } = temporal;
    const described = await client.schedule.getHandle(SKIPPING).describe();
    const [g0, g1, g2, g3, g4, g5] = f as [Date, Date, Date, Date, Date, Date];
    // g1's and g4's runs stay open: `skip` dropped g2, g3 and g5; nothing before g0 explains it.
    await startFiresOnce(new ScheduleRpc(client), described, [g1, g4]);
    await visible(SKIPPING, g0, g5, 2, 0);
    const whole = await audit(SKIPPING, g0, g5, true);
    const open = (fire: Date) => fireWorkflowId(SKIPPING, fire);
    assert.deepEqual(whole.report.missing, [iso(g0)]);
    assert.deepEqual(whole.report.skippedByPolicy, [
      { fireTime: iso(g2), policy: 'skip', openRun: open(g1) },
      { fireTime: iso(g3), policy: 'skip', openRun: open(g1) },
      { fireTime: iso(g5), policy: 'skip', openRun: open(g4) },
    ]);
    assert.equal(whole.report.ranOnce, 2);
    for (let size = 1; size <= 6; size++) {
      const chunked = await audit(SKIPPING, g0, g5, true, size);
      assert.equal(chunked.chunks.length, Math.ceil(6 / size));
      assert.deepEqual(chunked.report, whole.report, `chunks of ${size}`);
    }
  });

  it('counts every fire before the schedule existed and lists the first ones', async () => {
    const f0 = f[0] as Date;
    // Two days of ten-minute fires before the first run: 288 fires, none expected.
    const from = new Date(f0.getTime() - 2 * 86_400_000);
    const to = new Date(f0.getTime() - TEN_MIN);
    const chunked = await audit(MIXED, from, to, false, 50);
    assert.equal(chunked.chunks.length, 6);
    const r = chunked.report;
    assert.equal(r.expected, 288);
    assert.equal(r.notExpectedCount, 288);
    assert.equal(r.notExpectedTruncated, true);
    assert.equal(r.notExpected.length, NOT_EXPECTED_SAMPLE);
    assert.deepEqual(r.notExpected[0], { fireTime: iso(from), reason: 'before-creation' });
    assert.deepEqual(r.missing, []);
    assert.equal(r.ok, true);
    assert.deepEqual((await audit(MIXED, from, to, false)).report, r);

    const window = ['--from', iso(from), '--to', iso(to), '--address', temporal.config.address];
    const json = await runCli(['audit', MIXED, ...window, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), r);
    const text = await runCli(['audit', MIXED, ...window]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /Not expected: 288 fire\(s\) before the schedule existed or while it is paused \(--json lists the first 100\)/,
    );
  });
});
