/**
 * The fire audit on a real dev server: its expected-fire computation agrees with Temporal's own
 * next fire times for DST, month-end, leap-day and skip-calendar specs; and it finds missing,
 * doubled and failed fires, and backfills the missing ones exactly once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScheduleSpec } from '@temporalio/client';
import { expectedFireTimes, specModelFromDescription } from '../../src/audit/expected';
import { connectNative } from '../../src/connection';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { toSdkCalendar } from '../../src/schedules/build';
import { formatFireTime } from '../../src/rfc3339';
import { parseCron, skipDates, WEEKENDS } from '../../src/spec';
import { createWorker } from '../../src/worker/worker';
import { cliAgainst, runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const cal = (cron: string) => toSdkCalendar(parseCron(cron));
const at = (iso: string) => new Date(iso);

/** Specs whose next fire times cross the hard cases; startAt pins where the server starts. */
const SPECS: { name: string; spec: ScheduleSpec }[] = [
  {
    name: 'New York 02:30 daily across spring-forward (skipped hour)',
    spec: {
      calendars: [cal('30 2 * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-03-10T00:00:00Z'),
    },
  },
  {
    name: 'New York hourly :30 across fall-back (repeated hour fires twice)',
    spec: {
      calendars: [cal('30 * * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-11-07T02:00:00Z'),
    },
  },
  {
    name: 'New York 01:15 daily across fall-back',
    spec: {
      calendars: [cal('15 1 * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-11-03T00:00:00Z'),
    },
  },
  {
    name: 'Berlin 02:30 daily across spring-forward',
    spec: { calendars: [cal('30 2 * * *')], timezone: 'Europe/Berlin', startAt: at('2027-03-24T00:00:00Z') },
  },
  {
    name: 'Berlin every 20 minutes across fall-back',
    spec: {
      calendars: [cal('*/20 2 * * *')],
      timezone: 'Europe/Berlin',
      startAt: at('2027-10-30T00:00:00Z'),
    },
  },
  {
    name: 'day 31 at noon: month ends that have one',
    spec: { calendars: [cal('0 12 31 * *')], timezone: 'UTC', startAt: at('2027-01-01T00:00:00Z') },
  },
  {
    name: 'days 28-31 at 23:59 in Tokyo: month ends',
    spec: {
      calendars: [cal('59 23 28-31 * *')],
      timezone: 'Asia/Tokyo',
      startAt: at('2027-01-20T00:00:00Z'),
    },
  },
  {
    name: 'leap day yearly',
    spec: {
      calendars: [cal('0 6 29 2 *')],
      timezone: 'America/New_York',
      startAt: at('2027-01-01T00:00:00Z'),
    },
  },
  {
    name: 'the 29th monthly across a leap February',
    spec: { calendars: [cal('0 0 29 * *')], timezone: 'Europe/Berlin', startAt: at('2027-12-01T00:00:00Z') },
  },
  {
    name: 'weekdays 09:00 via skip calendar (weekends)',
    spec: {
      calendars: [cal('0 9 * * *')],
      skip: [toSdkCalendar(WEEKENDS)],
      timezone: 'America/New_York',
      startAt: at('2027-03-11T00:00:00Z'),
    },
  },
  {
    name: 'every 6 hours, skipping Christmas dates in Berlin',
    spec: {
      intervals: [{ every: '6h', offset: '1h' }],
      skip: skipDates([{ from: '2027-12-24', to: '2027-12-26' }]).map(toSdkCalendar),
      timezone: 'Europe/Berlin',
      startAt: at('2027-12-23T00:00:00Z'),
    },
  },
  {
    name: 'cron string (converted by the server) with weekdays in Kolkata, and an end',
    spec: {
      cronExpressions: ['45 8 * * 1-5'],
      timezone: 'Asia/Kolkata',
      startAt: at('2027-05-01T00:00:00Z'),
      endAt: at('2027-05-07T00:00:00Z'),
    },
  },
];

describe('fire audit', () => {
  let temporal: TestTemporal;
  const suffix = randomUUID().slice(0, 8);

  before(async () => {
    temporal = await startTestTemporal();
  });

  after(async () => {
    await temporal?.stop();
  });

  it('computes the same next fire times as Temporal for DST, month ends, leap days and skips', async () => {
    const { client } = temporal;
    for (const [i, { name, spec }] of SPECS.entries()) {
      const scheduleId = `agree-${i}-${suffix}`;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { ...spec, jitter: 0 },
        action: { type: 'startWorkflow', workflowType: 'dailySummary', taskQueue: temporal.config.taskQueue },
        state: { paused: true },
      });
      try {
        const described = await handle.describe();
        const theirs = described.info.nextActionTimes.map((d) => d.toISOString());
        assert.ok(theirs.length > 0, `${name}: the server lists next fire times`);
        const model = specModelFromDescription(described.spec);
        const ours = expectedFireTimes(model, new Date(), new Date('2100-01-01T00:00:00Z'), 10).map((d) =>
          d.toISOString(),
        );
        assert.deepEqual(ours.slice(0, theirs.length), theirs, name);
        if (theirs.length < 10)
          assert.equal(ours.length, theirs.length, `${name}: ends where the server ends`);
      } finally {
        await handle.delete();
      }
    }
  });

  it('finds missing, doubled and failed fires, and backfills the missing exactly once', async () => {
    const { client } = temporal;
    const { config } = temporal;
    const jobId = `audited-${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-audit-'));
    const file = join(dir, 'jobs.yaml');
    writeFileSync(
      file,
      `version: 1\njobs:\n  - id: ${jobId}\n    type: daily-summary\n    customer: acme-${suffix}\n    env: prod\n` +
        `    schedule: { cron: "0 * * * *" }\n    input: { title: Audit }\n`,
    );
    const cli = cliAgainst(() => config);
    const applied = await cli(['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);

    const hour = 3_600_000;
    const base = Math.floor(Date.now() / hour) * hour - 8 * hour;
    const fires = [1, 2, 3, 4, 5, 6].map((h) => new Date(base + h * hour));
    const [f1, f2, f3, f4, f5, f6] = fires as [Date, Date, Date, Date, Date, Date];
    const window = ['--from', f1.toISOString(), '--to', f6.toISOString()];

    // f3 starts while no worker polls, and is terminated: a failed fire.
    await backfillFireTimes(client, jobId, [f3]);
    const f3Handle = client.workflow.getHandle(fireWorkflowId(jobId, f3));
    await eventually('the f3 run', () => f3Handle.describe().then(() => true));
    await f3Handle.terminate('audit test');

    const connection = await connectNative(config);
    const worker = await createWorker({
      connection,
      config,
      registry: shopRegistry(),
      deps: { dataDir: dir },
    });
    try {
      await worker.runUntil(async () => {
        await backfillFireTimes(client, jobId, [f1, f2, f4, f5]);
        const closed = async (fire: Date, runs: number) => {
          const query = `WorkflowId = '${fireWorkflowId(jobId, fire)}' AND ExecutionStatus = 'Completed'`;
          await eventually(`${runs} closed run(s) of ${fire.toISOString()}`, async () =>
            (await client.workflow.count(query)).count === runs ? true : undefined,
          );
        };
        for (const fire of [f1, f2, f4, f5]) await closed(fire, 1);
        // A plain backfill over a closed fire starts it again: the double the audit must catch.
        await backfillFireTimes(client, jobId, [f5]);
        await closed(f5, 2);

        // Before its creation a schedule produced nothing: by default those fires are not expected.
        const byDefault = await cli(['audit', jobId, ...window, '--json']);
        assert.equal(byDefault.code, 3, byDefault.stderr);
        const report = JSON.parse(byDefault.stdout) as {
          missing: string[];
          duplicates: { fireTime: string; runs: unknown[] }[];
          notExpected: { fireTime: string; reason: string }[];
        };
        assert.deepEqual(report.missing, []);
        assert.deepEqual(report.notExpected, [{ fireTime: formatFireTime(f6), reason: 'before-creation' }]);

        const audited = await cli(['audit', jobId, ...window, '--include-before-creation', '--json']);
        assert.equal(audited.code, 3, audited.stderr);
        assert.match(audited.stderr, /found 1 missing and 1 doubled fire\(s\)/);
        const full = JSON.parse(audited.stdout) as {
          expected: number;
          ranOnce: number;
          missing: string[];
          duplicates: { fireTime: string; runs: unknown[] }[];
          failed: { fireTime: string; runs: { status: string }[] }[];
          ok: boolean;
        };
        assert.equal(full.expected, 6);
        assert.equal(full.ranOnce, 4);
        assert.deepEqual(full.missing, [formatFireTime(f6)]);
        assert.deepEqual(
          full.duplicates.map((d) => [d.fireTime, d.runs.length]),
          [[formatFireTime(f5), 2]],
        );
        assert.deepEqual(
          full.failed.map((f) => [f.fireTime, f.runs[0]?.status]),
          [[formatFireTime(f3), 'TERMINATED']],
        );
        assert.equal(full.ok, false);

        // The fire-time filter of `runs list` is exact at both ends.
        const listed = await cli([
          'runs',
          'list',
          '--job',
          jobId,
          '--fired-from',
          f2.toISOString(),
          '--fired-to',
          f4.toISOString(),
          '--json',
        ]);
        assert.equal(listed.code, 0, listed.stderr);
        assert.deepEqual(
          (JSON.parse(listed.stdout) as { fireTime: string }[]).map((r) => r.fireTime).sort(),
          [f2, f3, f4].map(formatFireTime),
        );

        const repaired = await cli([
          'audit',
          jobId,
          '--from',
          f6.toISOString(),
          '--to',
          f6.toISOString(),
          '--include-before-creation',
          '--backfill-missing',
        ]);
        assert.equal(repaired.code, 0, repaired.stderr);
        assert.match(repaired.stdout, /backfill requested/);
        await closed(f6, 1);
        const clean = await cli([
          'audit',
          jobId,
          '--from',
          f6.toISOString(),
          '--to',
          f6.toISOString(),
          '--include-before-creation',
        ]);
        assert.equal(clean.code, 0, clean.stderr);
        assert.match(clean.stdout, /OK: every expected fire ran exactly once/);
      });
    } finally {
      await connection.close();
    }
  });

  it('separates fires the overlap policy skipped from missing fires', async () => {
    const { client, config } = temporal;
    const jobId = `skipping-${suffix}`;
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-audit-'));
    const file = join(dir, 'jobs.yaml');
    writeFileSync(
      file,
      `version: 1\njobs:\n  - id: ${jobId}\n    type: daily-summary\n    customer: acme-${suffix}\n    env: prod\n` +
        `    overlap: skip\n    schedule: { every: 2s }\n    input: { title: Skips }\n`,
    );
    const cli = cliAgainst(() => config);
    const validated = await cli(['validate', '-f', file]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(
      validated.stderr,
      /overlap: warning: overlap 'skip' drops every fire that comes while a run/,
    );
    const applied = await cli(['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /skipped by policy/);
    const from = new Date();
    try {
      // No worker polls this task queue: the first run stays open, so `skip` drops every later fire.
      const first = await eventually('the first run', async () => {
        for await (const wf of client.workflow.list({ query: `TemporalScheduledById = '${jobId}'` })) {
          return wf.workflowId;
        }
        return undefined;
      });
      await eventually('the schedule to skip 3 fires', async () =>
        (await client.schedule.getHandle(jobId).describe()).info.numActionsSkippedOverlap >= 3
          ? true
          : undefined,
      );
      // The audit leaves out the last few seconds (runs may not be visible yet): wait past them.
      await new Promise((done) => setTimeout(done, 6_000));
      const audited = await cli(['audit', jobId, '--from', from.toISOString(), '--json']);
      assert.equal(audited.code, 0, `${audited.stderr}\n${audited.stdout}`);
      const report = JSON.parse(audited.stdout) as {
        expected: number;
        ranOnce: number;
        missing: string[];
        skippedByPolicy: { fireTime: string; policy: string; openRun: string }[];
        scheduleCounters: { overlapSkipped: number };
        ok: boolean;
      };
      assert.deepEqual(report.missing, []);
      assert.ok(report.skippedByPolicy.length >= 2, JSON.stringify(report));
      for (const skipped of report.skippedByPolicy) {
        assert.equal(skipped.policy, 'skip');
        assert.equal(skipped.openRun, first);
      }
      assert.equal(report.ranOnce + report.skippedByPolicy.length, report.expected);
      assert.ok(report.scheduleCounters.overlapSkipped >= report.skippedByPolicy.length - 1);
      assert.equal(report.ok, true);
      const text = await cli(['audit', jobId, '--from', from.toISOString()]);
      assert.match(text.stdout, /Skipped by policy \(not runs/);
      assert.match(text.stdout, new RegExp(`skip, while ${first} ran`));
    } finally {
      await client.schedule.getHandle(jobId).delete();
      for await (const wf of client.workflow.list({
        query: `TemporalScheduledById = '${jobId}' AND ExecutionStatus = 'Running'`,
      })) {
        await client.workflow.getHandle(wf.workflowId).terminate('audit test');
      }
    }
  });

  it('rejects a bad window and an unknown job in one line', async () => {
    const address = ['--address', temporal.config.address];
    const backwards = await runCli(['audit', 'x', '--from', '2h', '--to', '3h', ...address]);
    assert.equal(backwards.code, 2);
    assert.match(backwards.stderr, /--from must not be after --to/);
    const unknown = await runCli(['audit', `nope-${suffix}`, '--from', '2h', ...address]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /schedule 'nope-.*' not found in namespace 'default'/);
  });
});
