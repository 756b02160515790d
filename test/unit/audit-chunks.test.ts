/**
 * The audit's walk of a window in chunks, without a server: the chunks of expected fires cover the
 * window exactly once, and the comparison fed chunk by chunk reports what it reports in one go,
 * including the overlap-policy check that looks back into earlier chunks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { serverFireChunks, type FireChunk } from '../../src/audit/expected';
import { NOT_EXPECTED_SAMPLE } from '../../src/audit/report';
import { AuditTally, type TallySchedule } from '../../src/audit/tally';
import type { FireRun } from '../../src/schedules/fire-runs';
import { fireTimesBetween, parseCron, type SpecModel } from '../../src/calendar';
import { fakeMatchingTimes } from '../helpers/matching-times';

const MINUTE = 60_000;
const perMinute: SpecModel = {
  calendars: [],
  intervals: [{ everyMs: MINUTE, offsetMs: 0 }],
  skip: [],
  timeZone: 'UTC',
};
const weekdays9: SpecModel = { ...perMinute, intervals: [], calendars: [parseCron('0 9 * * 1-5')] };

/** The fires of `model` in [from, to], computed here: what the chunks must add up to. */
const expectedFireTimes = (model: SpecModel, from: Date, to: Date): Date[] =>
  fireTimesBetween(model, from, new Date(to.getTime() + 1));

/** The audit's chunks over a stand-in server that answers for `model`. */
const specFireChunks = (model: SpecModel, maxFires: number, calls?: { n: number }) =>
  serverFireChunks(
    { scheduleId: 'audited', call: fakeMatchingTimes(model, { calls }), jitterMs: 0, model },
    maxFires,
  );

/** Walks [from, to] as the audit does, returning each chunk with its start. */
async function walk(model: SpecModel, from: Date, to: Date, maxFires: number) {
  const next = specFireChunks(model, maxFires);
  const chunks: (FireChunk & { start: Date })[] = [];
  for (let start = from; start <= to;) {
    const chunk = await next(start, to);
    chunks.push({ ...chunk, start });
    start = new Date(chunk.end.getTime() + 1);
  }
  return chunks;
}

describe('audit chunks of expected fires', () => {
  it('cover the window once, in order, each within its bounds and size', async () => {
    const from = new Date('2027-03-01T10:00:30Z');
    const to = new Date('2027-03-01T10:20:00Z');
    const all = expectedFireTimes(perMinute, from, to).map((d) => d.toISOString());
    assert.equal(all.length, 20);
    for (const size of [1, 2, 3, 7, 19, 20, 21, 5_000]) {
      const chunks = await walk(perMinute, from, to, size);
      assert.deepEqual(
        chunks.flatMap((c) => c.fires.map((d) => d.toISOString())),
        all,
        `size ${size}: the same fires`,
      );
      assert.equal(chunks.length, Math.max(1, Math.ceil(all.length / size)), `size ${size}: chunks`);
      assert.equal(chunks.at(-1)?.end.toISOString(), to.toISOString());
      for (const [i, c] of chunks.entries()) {
        assert.ok(
          c.fires.length <= size && c.fires.length > 0,
          `size ${size}, chunk ${i}: ${c.fires.length}`,
        );
        assert.ok(c.end >= c.start);
        for (const f of c.fires) assert.ok(f >= c.start && f <= c.end, `${f.toISOString()} in chunk ${i}`);
        // The next chunk starts 1 ms after this one ends: at its own first fire.
        const next = chunks[i + 1];
        if (next) assert.equal(next.start.toISOString(), next.fires[0]?.toISOString());
      }
    }
  });

  it('keep a window of exactly the chunk size, and an empty one, to one chunk', async () => {
    const from = new Date('2027-03-01T10:00:00Z');
    const exact = await walk(perMinute, from, new Date('2027-03-01T10:09:00Z'), 10);
    assert.deepEqual(
      exact.map((c) => c.fires.length),
      [10],
    );
    const none = await walk(
      weekdays9,
      new Date('2027-03-06T10:00:00Z'),
      new Date('2027-03-07T23:00:00Z'),
      10,
    );
    assert.deepEqual(
      none.map((c) => c.fires.length),
      [0],
    );
  });

  it('walk a year of a per-minute job 5,000 fires at a time', async () => {
    const from = new Date('2027-01-01T00:00:00Z');
    const to = new Date('2027-12-31T23:59:59Z');
    const calls = { n: 0 };
    const next = specFireChunks(perMinute, 5_000, calls);
    let fires = 0;
    let chunks = 0;
    let largest = 0;
    let last = 0;
    for (let start = from; start <= to; chunks++) {
      const chunk = await next(start, to);
      fires += chunk.fires.length;
      largest = Math.max(largest, chunk.fires.length);
      assert.ok((chunk.fires[0]?.getTime() ?? Infinity) > last, 'fires ascend across chunks');
      last = chunk.fires.at(-1)?.getTime() ?? last;
      start = new Date(chunk.end.getTime() + 1);
    }
    assert.equal(fires, 525_600);
    assert.equal(largest, 5_000);
    assert.equal(chunks, Math.ceil(525_600 / 5_000));
    // Each server page (1,000 times) is fetched once, though each chunk looks one fire ahead.
    assert.equal(calls.n, Math.ceil(525_600 / 1_000));
  });

  it('refuse a chunk size that is not a positive integer', () => {
    assert.throws(() => specFireChunks(perMinute, 0), /maxFires must be a positive integer, got 0/);
    assert.throws(() => specFireChunks(perMinute, 1.5), /maxFires must be a positive integer, got 1.5/);
  });
});

describe('audit tally fed chunk by chunk', () => {
  const t0 = Date.parse('2027-03-01T10:00:00Z');
  const at = (minute: number, second = 0) => new Date(t0 + minute * MINUTE + second * 1_000);
  let serial = 0;
  const run = (fire: Date, status: string, closedAtMinute?: number): FireRun => ({
    workflowId: `job-${fire.toISOString()}`,
    runId: `run-${serial++}`,
    fireTime: fire.toISOString(),
    status,
    startTime: new Date(fire.getTime() + serial),
    ...(closedAtMinute === undefined ? {} : { closeTime: at(closedAtMinute) }),
  });
  // Fires every minute from 0 to 19. Under `skip`: minute 1's run stays open until 4:30 (2-4 are
  // dropped), 7 is missing, 9 ran twice, 10's run failed and 11's compensated, a run at 12:30
  // matches no fire, 15's run is still open (16-17 dropped, until the paused part from 18 on).
  const runs: FireRun[] = [
    run(at(0), 'COMPLETED', 0.5),
    run(at(1), 'COMPLETED', 4.5),
    run(at(5), 'COMPLETED', 5.5),
    run(at(6), 'COMPLETED', 6.5),
    run(at(8), 'COMPLETED', 8.5),
    run(at(9), 'COMPLETED', 9.5),
    run(at(9), 'COMPLETED', 9.7),
    run(at(10), 'FAILED', 10.5),
    run(at(11), 'FAILED', 11.5),
    run(at(12), 'COMPLETED', 12.5),
    run(at(12, 30), 'COMPLETED', 12.7),
    run(at(13), 'TERMINATED', 13.5),
    run(at(14), 'COMPLETED', 14.5),
    run(at(15), 'RUNNING'),
  ];
  const compensatedRunIds = new Set([(runs[8] as FireRun).runId]);
  const schedule = (overlap: ScheduleOverlapPolicy, includeBeforeCreation: boolean): TallySchedule => ({
    createdAt: at(3),
    pausedSince: at(18),
    overlap,
    includeBeforeCreation,
  });

  /** Tallies [at(0), at(19)] in chunks of `size` fires, each chunk seeing only its own runs. */
  async function tally(s: TallySchedule, size: number): Promise<AuditTally> {
    const result = new AuditTally(s);
    for (const chunk of await walk(perMinute, at(0), at(19), size)) {
      const byFire = new Map<string, FireRun[]>();
      for (const r of runs) {
        const t = new Date(r.fireTime);
        if (t < chunk.start || t > chunk.end) continue;
        byFire.set(r.fireTime, [...(byFire.get(r.fireTime) ?? []), r]);
      }
      result.add(chunk.fires, byFire, compensatedRunIds);
    }
    return result;
  }

  it('reports what a single chunk reports, at every chunk size', async () => {
    for (const overlap of [ScheduleOverlapPolicy.SKIP, ScheduleOverlapPolicy.ALLOW_ALL]) {
      for (const includeBeforeCreation of [false, true]) {
        const s = schedule(overlap, includeBeforeCreation);
        const whole = JSON.stringify(await tally(s, 5_000));
        for (let size = 1; size <= 21; size++) {
          assert.equal(
            JSON.stringify(await tally(s, size)),
            whole,
            `${overlap}, includeBeforeCreation ${includeBeforeCreation}, chunks of ${size}`,
          );
        }
      }
    }
  });

  it('finds each problem where it is, looking back across chunks for the open run', async () => {
    const iso = (minute: number, second = 0) => at(minute, second).toISOString();
    const t = await tally(schedule(ScheduleOverlapPolicy.SKIP, true), 2);
    assert.equal(t.expected, 20);
    assert.equal(t.ranOnce, 11);
    assert.deepEqual(
      t.missing.map((d) => d.toISOString()),
      [iso(7)],
    );
    assert.deepEqual(t.skippedByPolicy, [
      ...[2, 3, 4].map((m) => ({ fireTime: iso(m), policy: 'skip', openRun: `job-${iso(1)}` })),
      ...[16, 17].map((m) => ({ fireTime: iso(m), policy: 'skip', openRun: `job-${iso(15)}` })),
    ]);
    assert.deepEqual(
      t.duplicates.map((d) => [d.fireTime, d.runs.length]),
      [[iso(9), 2]],
    );
    assert.deepEqual(
      t.failed.map((d) => d.fireTime),
      [iso(10), iso(13)],
    );
    assert.deepEqual(
      t.compensated.map((d) => d.fireTime),
      [iso(11)],
    );
    assert.deepEqual(
      t.unexpected.map((d) => d.fireTime),
      [iso(12, 30)],
    );
    assert.deepEqual(t.notExpected, [
      { fireTime: iso(18), reason: 'paused' },
      { fireTime: iso(19), reason: 'paused' },
    ]);
    // Without the policy those dropped fires are missing; before creation they are not expected.
    const allowAll = await tally(schedule(ScheduleOverlapPolicy.ALLOW_ALL, false), 2);
    assert.deepEqual(
      allowAll.missing.map((d) => d.toISOString()),
      [iso(3), iso(4), iso(7), iso(16), iso(17)],
    );
    assert.deepEqual(
      allowAll.notExpected.map((f) => [f.fireTime, f.reason]),
      [
        [iso(2), 'before-creation'],
        [iso(18), 'paused'],
        [iso(19), 'paused'],
      ],
    );
    assert.equal(allowAll.notExpectedCount, 3);
  });

  it('lists the first not-expected fires and counts them all', async () => {
    const result = new AuditTally({
      createdAt: new Date('2028-01-01T00:00:00Z'),
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
      includeBeforeCreation: false,
    });
    const from = new Date('2027-03-01T00:00:00Z');
    const to = new Date('2027-03-02T00:00:00Z');
    const next = specFireChunks(perMinute, 500);
    for (let start = from; start <= to;) {
      const chunk = await next(start, to);
      result.add(chunk.fires, new Map(), new Set());
      start = new Date(chunk.end.getTime() + 1);
    }
    assert.equal(result.notExpectedCount, 1_441);
    assert.equal(result.notExpected.length, NOT_EXPECTED_SAMPLE);
    assert.equal(result.notExpected[0]?.fireTime, from.toISOString());
    assert.equal(result.notExpected.at(-1)?.fireTime, new Date(from.getTime() + 99 * MINUTE).toISOString());
    assert.deepEqual(result.missing, []);
  });
});
