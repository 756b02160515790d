/** The typed runs filter: validation, quoting of every value, and the streaming writers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors';
import { choiceListArg } from '../../src/cli/options';
import { buildRunsQuery, matchesFireWindow, parseRunsFilter, RUN_STATUSES } from '../../src/runs/filter';
import { humanDuration } from '../../src/duration';
import { csvField, csvWriter, jsonWriter, tableWriter } from '../../src/runs/format';
import type { RunRow } from '../../src/runs/list';

const now = new Date('2026-11-21T12:00:00Z');

describe('runs filter', () => {
  it('builds a query from typed parts, quoting every value', () => {
    const filter = parseRunsFilter(
      {
        customer: "acme' OR customer = 'globex",
        env: 'prod',
        job: 'nightly',
        type: 'billing',
        status: ['failed', 'compensated'],
      },
      now,
    );
    assert.equal(
      buildRunsQuery(filter),
      "(customer = 'acme\\' OR customer = \\'globex') AND (env = 'prod') AND " +
        "(TemporalScheduledById = 'nightly' OR jobId = 'nightly') AND (jobType = 'billing') AND " +
        "(ExecutionStatus = 'Failed' OR outcome = 'compensated')",
    );
  });

  it('reads absolute and relative times, and pads fire-time bounds for exact filtering in code', () => {
    const filter = parseRunsFilter(
      { since: '24h', until: '2026-11-21', firedFrom: '2026-11-20T22:00:00Z', firedTo: '1h30m' },
      now,
    );
    assert.equal(filter.since?.toISOString(), '2026-11-20T12:00:00.000Z');
    assert.equal(filter.until?.toISOString(), '2026-11-21T00:00:00.000Z');
    assert.equal(filter.firedTo?.toISOString(), '2026-11-21T10:30:00.000Z');
    assert.match(buildRunsQuery(filter), /TemporalScheduledStartTime >= '2026-11-20T21:59:59.000Z'/);
    assert.equal(matchesFireWindow(filter, new Date('2026-11-20T22:00:00Z')), true);
    assert.equal(matchesFireWindow(filter, new Date('2026-11-20T21:59:59.500Z')), false);
    assert.equal(matchesFireWindow(filter, undefined), false);
    assert.equal(matchesFireWindow({}, undefined), true);
  });

  it('reads --status as a comma-separated, repeatable list of known statuses, any case', () => {
    const status = choiceListArg('--status', RUN_STATUSES);
    assert.deepEqual(status('Failed, compensated', undefined), ['failed', 'compensated']);
    assert.deepEqual(status('running,failed', ['failed']), ['failed', 'running']);
    assert.throws(
      () => status('completed, done', undefined),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message ===
          "--status 'done' is not one of running, completed, failed, canceled, terminated, timed-out, compensated",
    );
  });

  it('rejects bad values naming the flag and the valid forms', () => {
    const bad = (flags: Parameters<typeof parseRunsFilter>[0], message: RegExp) =>
      assert.throws(
        () => parseRunsFilter(flags, now),
        (err: unknown) => err instanceof UsageError && message.test(err.message),
      );
    bad({ since: 'last week' }, /--since 'last week' is neither an RFC 3339 time/);
    bad({ firedFrom: '2026-13-01T00:00:00Z' }, /--fired-from/);
    bad({ customer: ' ' }, /--customer must not be empty/);
    bad({ since: '1h', until: '2h' }, /--since must not be after --until/);
  });
});

describe('runs writers', () => {
  const row = (i: number): RunRow => ({
    workflowId: `job-${i}`,
    runId: `run-${i}`,
    job: 'job',
    type: 'daily-summary',
    customer: 'acme, inc',
    env: 'prod',
    fireTime: '2026-11-20T10:00:00.000Z',
    status: 'completed',
    startTime: '2026-11-20T10:00:00.100Z',
    closeTime: '2026-11-20T10:00:01.600Z',
    durationMs: 1500,
    url: `http://ui/namespaces/default/workflows/job-${i}/run-${i}/history`,
  });

  it('streams a JSON array with one object per line', () => {
    const lines: string[] = [];
    const w = jsonWriter((l) => lines.push(l));
    w.row(row(1));
    w.row(row(2));
    w.end();
    assert.equal(lines.length, 4);
    assert.deepEqual(
      (JSON.parse(lines.join('\n')) as RunRow[]).map((r) => r.runId),
      ['run-1', 'run-2'],
    );
    const empty: string[] = [];
    const e = jsonWriter((l) => empty.push(l));
    e.end();
    assert.deepEqual(empty, ['[]']);
  });

  it('quotes CSV fields that need it', () => {
    const lines: string[] = [];
    const w = csvWriter((l) => lines.push(l));
    w.row(row(1));
    assert.equal(lines[1]?.split(',')[4], '"acme');
    assert.ok(lines[1]?.includes('"acme, inc"'));
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(null), '');
  });

  it('prints a table once its first rows fix the widths', () => {
    const lines: string[] = [];
    const w = tableWriter((l) => lines.push(l));
    w.row(row(1));
    assert.equal(lines.length, 0);
    w.end();
    assert.match(lines[0] ?? '', /^WORKFLOW ID\s+JOB/);
    assert.match(
      lines[1] ?? '',
      /^job-1\s+job\s+acme, inc\s+prod\s+2026-11-20T10:00:00Z\s+completed\s+1\.5s\s+http:/,
    );
    assert.equal(humanDuration(null), '-');
    assert.equal(humanDuration(245_000), '4m05s');
  });
});
