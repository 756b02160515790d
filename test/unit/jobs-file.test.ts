import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JobsFileError, formatJobsFileIssue } from '../../src/errors';
import { loadJobsFile, parseJobsFile } from '../../src/jobs/load';
import { parseDuration } from '../../src/duration';
import { scheduleOptionsFor } from '../../src/schedules/build';
import { shopRegistry } from '../helpers/jobs';

const valid = `version: 1
jobs:
  - id: nightly-report
    type: daily-summary
    customer: acme
    env: prod
    schedule:
      cron: "0 2 * * *"
      timezone: Asia/Shanghai
    input: {title: Nightly}
  - id: every-five
    type: daily-summary
    customer: globex
    env: dev
    schedule: {every: 5m, offset: 1m}
`;

/** Parses text that must fail and returns its formatted issues. */
function problems(text: string): string[] {
  try {
    parseJobsFile(text, 'jobs.yaml', shopRegistry());
  } catch (err) {
    assert.ok(err instanceof JobsFileError, `expected JobsFileError, got ${String(err)}`);
    return err.issues.map(formatJobsFileIssue);
  }
  assert.fail('expected the file to be rejected');
}

describe('jobs file', () => {
  it('accepts a valid file and applies job-type defaults to input', () => {
    const file = parseJobsFile(valid, 'jobs.yaml', shopRegistry());
    assert.equal(file.jobs.length, 2);
    assert.deepEqual(file.jobs[0]?.input, { title: 'Nightly' });
    assert.deepEqual(file.jobs[1]?.input, { title: 'Daily summary' });
  });

  it('reports an invalid cron string with its line and the valid range', () => {
    const text = valid.replace('"0 2 * * *"', '"61 2 * * *"');
    assert.deepEqual(problems(text), [
      "jobs.yaml:8 jobs[0].schedule.cron: '61 2 * * *': minute 61 is out of range 0-59",
    ]);
  });

  it("refuses Temporal's 7-field cron, and a 6-field one ending in a year, on its line, naming the valid forms", () => {
    const seven = problems(valid.replace('"0 2 * * *"', '"0 0 2 * * * 2027"'));
    assert.deepEqual(seven, [
      "jobs.yaml:8 jobs[0].schedule.cron: '0 0 2 * * * 2027': 7 fields (Temporal's second minute hour day-of-month month day-of-week year) are not accepted; " +
        '5 fields (minute hour day-of-month month day-of-week), 6 fields (second minute hour day-of-month month day-of-week) ' +
        'or a macro (@hourly, @daily, @weekly, @monthly, @yearly); bound years with startAt/endAt',
    ]);
    const [six] = problems(valid.replace('"0 2 * * *"', '"0 2 * * * 2027"'));
    assert.match(
      six ?? '',
      /^jobs\.yaml:8 jobs\[0\]\.schedule\.cron: '0 2 \* \* \* 2027': the 6th field "2027" looks like a year/,
    );
  });

  it('reports YAML syntax errors with a line', () => {
    const [first] = problems('jobs:\n  - id: a\n   bad: [\n');
    assert.match(first ?? '', /^jobs\.yaml:\d+: invalid YAML: /);
  });

  it('lists the valid keys for an unknown key, on the key line', () => {
    const text = valid.replace('    env: prod\n', '    env: prod\n    enviroment: prod\n');
    const [first] = problems(text);
    assert.match(
      first ?? '',
      /^jobs\.yaml:7 jobs\[0\]\.enviroment: unknown key 'enviroment' \(valid keys: id, type, /,
    );
  });

  it('collects every problem in one pass, in line order', () => {
    const text = valid
      .replace('id: nightly-report', 'id: Nightly_Report')
      .replace('type: daily-summary', 'type: no-such-type')
      .replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus')
      .replace('every: 5m', 'every: 5 minutes');
    const found = problems(text);
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found[0] ?? '', /^jobs\.yaml:3 jobs\[0\]\.id: must match/);
    assert.match(
      found[1] ?? '',
      /^jobs\.yaml:4 jobs\[0\]\.type: unknown job type 'no-such-type' \(known: billing, cancel-timeout-orders, command, daily-summary, data-sync, db-backup, generate-report, http, order-timeout\); a job type of your own loads with --jobs <module or folder>$/,
    );
    assert.match(
      found[2] ?? '',
      /^jobs\.yaml:9 jobs\[0\]\.schedule\.timezone: unknown timezone 'Mars\/Olympus'/,
    );
    assert.match(found[3] ?? '', /^jobs\.yaml:15 jobs\[1\]\.schedule\.every: '5 minutes' is not a duration/);
  });

  it('rejects duplicate ids, both cron and every, and input failing the job type schema', () => {
    const text = valid
      .replace('id: every-five', 'id: nightly-report')
      .replace('schedule: {every: 5m, offset: 1m}', 'schedule: {every: 5m, cron: "* * * * *"}')
      .replace('input: {title: Nightly}', 'input: {title: 42}');
    const found = problems(text);
    assert.ok(
      found.some((p) => /jobs\[0\]\.input\.title: /.test(p)),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => /jobs\[1\]\.id: duplicate id 'nightly-report' \(also jobs\[0\]\)/.test(p)),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => /jobs\[1\]\.schedule: has both cron and every/.test(p)),
      found.join('\n'),
    );
  });

  it('reports a missing file and an empty file', async () => {
    await assert.rejects(
      loadJobsFile('/nonexistent/jobs.yaml', shopRegistry()),
      /\/nonexistent\/jobs\.yaml: file not found/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'dc-'));
    writeFileSync(join(dir, 'empty.yaml'), '');
    await assert.rejects(loadJobsFile(join(dir, 'empty.yaml'), shopRegistry()), /the file is empty/);
  });
});

describe('durations', () => {
  it('parses Temporal-style durations and rejects others', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1d'), 86_400_000);
    for (const bad of ['', '5', '5 minutes', '1.5h', 'm5', '-1s'])
      assert.equal(parseDuration(bad), undefined, bad);
  });
});

describe('schedule options', () => {
  it('names runs by job id and carries customer/env on runs and schedule', () => {
    const [job] = parseJobsFile(valid, '<jobs file>', shopRegistry()).jobs;
    assert.ok(job);
    const opts = scheduleOptionsFor(job, 'tq');
    assert.equal(opts.scheduleId, 'nightly-report');
    assert.equal(opts.action.workflowId, 'nightly-report');
    assert.equal(opts.action.taskQueue, 'tq');
    assert.equal(opts.spec.timezone, 'Asia/Shanghai');
    assert.deepEqual(opts.spec.calendars?.[0]?.hour, [{ start: 2, end: 2, step: 1 }]);
    assert.deepEqual(opts.spec.calendars?.[0]?.minute, [{ start: 0, end: 0, step: 1 }]);
    const runAttrs = (opts.action.typedSearchAttributes as { key: { name: string }; value: unknown }[]).map(
      (p) => `${p.key.name}=${String(p.value)}`,
    );
    assert.deepEqual(runAttrs, [
      'customer=acme',
      'env=prod',
      'jobId=nightly-report',
      'jobType=daily-summary',
    ]);
  });
});
