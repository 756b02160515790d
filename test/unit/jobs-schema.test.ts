import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJobsFile, parseJobsText } from '../../src/jobs/load';
import { formatWarning, lintJobsFile } from '../../src/jobs/lint';
import { scheduleOptionsFor } from '../../src/schedules/build';
import {
  builtDefinition,
  changedFields,
  decodeSync,
  encodeSync,
  hashDefinition,
} from '../../src/schedules/definition';
import { mapConcurrent } from '../../src/schedules/rpc';
import { specMeaning, specModelOf } from '../../src/schedules/spec-model';
import { fireTimesBetween } from '../../src/calendar';
import { shopRegistry } from '../helpers/jobs';

const FULL = `version: 1
defaults:
  timezone: Asia/Shanghai
  overlap: buffer-all
  catchupWindow: 10m
  pauseOnFailure: true
  jitter: 5s
calendars:
  cn-holidays: [2026-10-01, {from: 2026-10-02, to: 2026-10-07}]
jobs:
  - id: nightly-report
    type: daily-summary
    customer: acme
    env: prod
    description: Daily order report
    schedule:
      cron: "0 2 * * *"
      skip: [cn-holidays, weekends]
      jitter: 30s
      startAt: 2026-01-01T00:00:00Z
      endAt: 2027-01-01T00:00:00Z
    input: {title: Nightly}
    paused: false
    note: "owner: data team"
  - id: quarter-hour
    type: daily-summary
    customer: globex
    env: dev
    overlap: allow-all
    schedule: {every: 15m, offset: 5m, timezone: UTC}
`;

describe('jobs file: full schema', () => {
  it('fills unset fields from defaults and keeps per-job values', () => {
    const file = parseJobsFile(FULL, '<jobs file>', shopRegistry());
    const [a, b] = file.jobs;
    assert.equal(a?.schedule.timezone, 'Asia/Shanghai');
    assert.equal(a?.schedule.jitter, '30s');
    assert.equal(a?.overlap, 'buffer-all');
    assert.equal(b?.overlap, 'allow-all');
    assert.equal(b?.schedule.timezone, 'UTC');
    assert.equal(b?.catchupWindow, '10m');
    assert.equal(b?.pauseOnFailure, true);
  });

  it('builds policies, jitter, bounds, skip calendars and the description into the schedule', () => {
    const file = parseJobsFile(FULL, '<jobs file>', shopRegistry());
    const opts = scheduleOptionsFor(file.jobs[0]!, 'tq', file.calendars);
    assert.deepEqual(opts.policies, { overlap: 'BUFFER_ALL', catchupWindow: 600_000, pauseOnFailure: true });
    assert.equal(opts.spec.jitter, 30_000);
    assert.equal(opts.spec.startAt?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(opts.spec.skip?.length, 3, 'two holiday calendars plus weekends');
    assert.deepEqual(opts.action.memo, { description: 'Daily order report' });
    assert.deepEqual(opts.state, { paused: false, note: 'owner: data team' });
    // 2026-10-01..07 are holidays, 10-03/04 and 10-10/11 weekends (dates in Asia/Shanghai).
    const fires = fireTimesBetween(
      specModelOf(opts.spec),
      new Date('2026-09-30T00:00:00+08:00'),
      new Date('2026-10-13T00:00:00+08:00'),
    );
    const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
    assert.deepEqual(
      fires.map((f) => shanghaiDate.format(f)),
      ['2026-09-30', '2026-10-08', '2026-10-09', '2026-10-12'],
    );
  });
});

describe('lint', () => {
  it('warns about DST gaps and overlaps with the affected date and what Temporal does', () => {
    const text = `jobs:
  - id: ny
    type: daily-summary
    customer: c
    env: e
    schedule: {cron: ["30 2 * * *", "30 1 * * *"], timezone: America/New_York}
`;
    const warnings = lintJobsFile(
      parseJobsText(text, 'j.yaml', shopRegistry()),
      new Date('2026-01-01T00:00:00Z'),
    ).map(formatWarning);
    assert.deepEqual(warnings, [
      "j.yaml:6 jobs[0].schedule.cron[0]: warning: '30 2 * * *' in America/New_York: DST gap on 2026-03-08: 02:30 does not exist on 2026-03-08; Temporal skips it: no run that day",
      "j.yaml:6 jobs[0].schedule.cron[1]: warning: '30 1 * * *' in America/New_York: DST overlap on 2026-11-01: 01:30 occurs twice on 2026-11-01; Temporal runs at both occurrences (05:30Z, 06:30Z)",
    ]);
  });

  it('warns about a schedule that never fires again and a calendar in the past', () => {
    const text = `calendars:
  old: [2020-01-01]
jobs:
  - {id: done, type: daily-summary, customer: c, env: e, schedule: {every: 1h, endAt: "2020-06-01T00:00:00Z"}}
`;
    const warnings = lintJobsFile(
      parseJobsText(text, 'j.yaml', shopRegistry()),
      new Date('2026-01-01T00:00:00Z'),
    ).map(formatWarning);
    assert.deepEqual(warnings, [
      'j.yaml:4 jobs[0].schedule: warning: the schedule never fires after now (check endAt and skip)',
      'j.yaml:2 calendars.old: warning: every date is in the past (latest 2020-01-01)',
    ]);
  });
});

describe('change detection', () => {
  const build = (text: string) => {
    const file = parseJobsFile(text, '<jobs file>', shopRegistry());
    return scheduleOptionsFor(file.jobs[0]!, 'tq', file.calendars);
  };

  it('hashes the built definition: stable, and sensitive to every field including defaults', () => {
    const base = builtDefinition(build(FULL));
    assert.equal(hashDefinition(base), hashDefinition(builtDefinition(build(FULL))));
    const variants: [string, string, string[]][] = [
      ['"0 2 * * *"', '"0 3 * * *"', ['spec.calendars']],
      ['jitter: 30s', 'jitter: 31s', ['spec.jitter']],
      ['overlap: buffer-all', 'overlap: skip', ['policies.overlap']],
      ['{title: Nightly}', '{title: Nightly!}', ['action.args']],
      ['description: Daily order report', 'description: Daily report', ['action.memo']],
      [
        'customer: acme',
        'customer: acme2',
        ['action.args', 'action.typedSearchAttributes', 'searchAttributes'],
      ],
      ['2026-10-07', '2026-10-08', ['spec.skip']],
    ];
    for (const [from, to, fields] of variants) {
      const changed = builtDefinition(build(FULL.replace(from, to)));
      assert.notEqual(hashDefinition(changed), hashDefinition(base), from);
      assert.deepEqual(changedFields(changed, base), fields, from);
    }
  });

  it('compares cron meaning, not spelling', () => {
    const a = build(FULL.replace('"0 2 * * *"', '"0 0 2 * * *"'));
    const b = build(FULL);
    assert.deepEqual(specMeaning(a.spec), specMeaning(b.spec));
  });

  it('round-trips the sync record', () => {
    const at = new Date('2026-11-21T10:00:00Z');
    assert.deepEqual(decodeSync(encodeSync({ hash: 'abc', pausedAt: at })), { hash: 'abc', pausedAt: at });
    assert.deepEqual(decodeSync('garbage'), {});
    assert.ok(encodeSync({ hash: 'f'.repeat(16), pausedAt: at }).length < 255);
  });
});

describe('rpc helpers', () => {
  it('runs with bounded concurrency and collects every outcome', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapConcurrent([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((done) => setImmediate(done));
      inFlight -= 1;
      if (n === 4) throw new Error('four');
      return n * 2;
    });
    assert.equal(peak, 2);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.value : 'error')),
      [2, 4, 6, 'error', 10, 12],
    );
  });
});
