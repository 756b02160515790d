/**
 * The fire audit on a real dev server: it finds missing, doubled and failed fires (expected fires
 * come from the server's ListScheduleMatchingTimes), and backfills the missing ones exactly once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectNative } from '../../src/connection';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { formatFireTime } from '../../src/rfc3339';
import { createWorker } from '../../src/worker/worker';
import { cliAgainst, runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('fire audit', () => {
  let temporal: TestTemporal;
  const suffix = randomUUID().slice(0, 8);

  before(async () => {
    temporal = await startTestTemporal();
  });

  after(async () => {
    await temporal?.stop();
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
    // The schedule in words and its next 3 fire times, 2 s apart.
    const next = [...validated.stdout.matchAll(/^ {2}next: \S+ \S+ UTC \((\S+)\)$/gm)].map((m) =>
      Date.parse(m[1] ?? ''),
    );
    assert.match(validated.stdout, new RegExp(`^${jobId}: every 2s \\(UTC\\)$`, 'm'));
    assert.equal(next.length, 3, validated.stdout);
    assert.deepEqual([next[1]! - next[0]!, next[2]! - next[1]!], [2_000, 2_000]);
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
