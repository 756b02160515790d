/**
 * Fire times from the server's `ListScheduleMatchingTimes`, without a server: paging by the
 * server's 1,000-times cap, and naming the nominal time of each jittered fire.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleSpecDescription } from '@temporalio/client';
import { fireTimesBetween, parseCron, type SpecModel } from '../../src/calendar';
import {
  FireTimesDisagreeError,
  MATCHING_TIMES_CONCURRENCY,
  MAX_MATCHING_TIMES_PER_CALL,
  nominalFireTimes,
} from '../../src/schedules/matching-times';
import { specModelOf } from '../../src/schedules/spec-model';
import { fakeMatchingTimes } from '../helpers/matching-times';

const MINUTE = 60_000;
const perMinute: SpecModel = {
  calendars: [],
  intervals: [{ everyMs: MINUTE, offsetMs: 0 }],
  skip: [],
  timeZone: 'UTC',
};
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

/**
 * A per-minute schedule whose server is faked, counting calls, and a two-day window; paged one
 * call at a time unless `concurrency` says otherwise.
 */
function perMinuteServer(concurrency = 1) {
  const calls = { n: 0 };
  const schedule = {
    scheduleId: 's',
    call: fakeMatchingTimes(perMinute, { calls }),
    jitterMs: 0,
    model: perMinute,
    concurrency,
  };
  return { calls, schedule, from: new Date('2027-01-01T00:00:00Z'), to: new Date('2027-01-03T00:00:00Z') };
}

describe('fire times from the server', () => {
  it('page through the server 1,000 times at a time, from the last time of a full page', async () => {
    const { calls, schedule, from, to } = perMinuteServer();
    const all = await nominalFireTimes(schedule, from, to, Infinity);
    assert.equal(all.length, 2 * 1440 + 1, 'both ends inclusive');
    assert.deepEqual(iso(all), iso(fireTimesBetween(perMinute, from, new Date(to.getTime() + 1))));
    assert.equal(calls.n, Math.ceil(all.length / MAX_MATCHING_TIMES_PER_CALL));
    calls.n = 0;
    const first = await nominalFireTimes({ ...schedule }, from, to, 1500);
    assert.deepEqual(iso(first), iso(all.slice(0, 1500)));
    assert.equal(calls.n, 2, 'stops once the limit is reached');
  });

  it('ask the server for each page once while a walk moves forward through the window', async () => {
    const { calls, schedule, from, to } = perMinuteServer();
    const first = await nominalFireTimes(schedule, from, to, 1501);
    assert.equal(calls.n, 2);
    // The next stretch starts at the first time left over: 500 of its times are known already.
    const next = await nominalFireTimes(schedule, first[1500] ?? to, to, 1501);
    assert.deepEqual(
      iso(next),
      iso(fireTimesBetween(perMinute, first[1500] ?? to, new Date(to.getTime() + 1), 1501)),
    );
    assert.equal(calls.n, 3, 'one more page: the rest of the window');
    // Going back re-asks the server.
    assert.deepEqual(iso(await nominalFireTimes(schedule, from, from, 5)), [from.toISOString()]);
    assert.equal(calls.n, 4);
  });

  it('page side by side without jitter: the same times, at most a batch of calls more', async () => {
    const { calls, schedule, from } = perMinuteServer(MATCHING_TIMES_CONCURRENCY);
    const to = new Date('2027-01-08T00:00:00Z');
    const all = await nominalFireTimes(schedule, from, to, Infinity);
    assert.deepEqual(iso(all), iso(fireTimesBetween(perMinute, from, new Date(to.getTime() + 1))));
    // Each window after the first has the span of a full page, so holds 999 or 1,000 times.
    assert.ok(calls.n <= Math.ceil(all.length / 999) + 1, `${calls.n} calls`);
    calls.n = 0;
    const first = await nominalFireTimes({ ...schedule }, from, to, 1500);
    assert.deepEqual(iso(first), iso(all.slice(0, 1500)));
    assert.equal(calls.n, 1 + MATCHING_TIMES_CONCURRENCY, 'one full page, then one batch side by side');
  });

  it('page side by side across gaps and dense stretches alike', async () => {
    // Every minute of 09:00-09:59 on weekdays only: pages end mid-week, windows fall in weekends.
    const weekdayHour: SpecModel = {
      calendars: [parseCron('0 * 9 * * MON-FRI')],
      intervals: [],
      skip: [],
      timeZone: 'Europe/Berlin',
    };
    const from = new Date('2027-01-01T00:00:00Z');
    const to = new Date('2027-04-01T00:00:00Z');
    const expected = iso(fireTimesBetween(weekdayHour, from, new Date(to.getTime() + 1)));
    for (const concurrency of [2, MATCHING_TIMES_CONCURRENCY, 7]) {
      let inFlight = 0;
      let most = 0;
      const fake = fakeMatchingTimes(weekdayHour);
      const call = async (after: Date, through: Date) => {
        most = Math.max(most, ++inFlight);
        await new Promise((done) => setImmediate(done));
        inFlight -= 1;
        return fake(after, through);
      };
      const schedule = { scheduleId: 'w', call, jitterMs: 0, model: weekdayHour, concurrency };
      assert.deepEqual(iso(await nominalFireTimes(schedule, from, to, Infinity)), expected);
      assert.ok(most <= concurrency, `at most ${concurrency} calls in flight, saw ${most}`);
    }
  });

  it('name the nominal time of each jittered fire, and refuse server times that do not pair', async () => {
    const jitterMs = 20_000;
    const jitter = (n: Date) => ((n.getTime() / MINUTE) % 7) * 2_000;
    const from = new Date('2027-01-01T00:00:00Z');
    const to = new Date('2027-01-01T00:10:00Z');
    const fires = await nominalFireTimes(
      { scheduleId: 's', call: fakeMatchingTimes(perMinute, { jitter }), jitterMs, model: perMinute },
      from,
      to,
      Infinity,
    );
    assert.deepEqual(iso(fires), iso(fireTimesBetween(perMinute, from, new Date(to.getTime() + 1))));
    // A server whose fires are every 2 minutes disagrees with a per-minute spec.
    const everyTwo: SpecModel = { ...perMinute, intervals: [{ everyMs: 2 * MINUTE, offsetMs: 0 }] };
    await assert.rejects(
      nominalFireTimes(
        { scheduleId: 's', call: fakeMatchingTimes(everyTwo, { jitter }), jitterMs, model: perMinute },
        from,
        to,
        Infinity,
      ),
      (err: unknown) =>
        err instanceof FireTimesDisagreeError &&
        /the server's fire times of 's' from 2027-01-01T00:00:00Z do not match its spec: nominal 2027-01-01T00:01:00Z/.test(
          err.message,
        ),
    );
  });

  it('read an interval described without an offset (a schedule created without one) as offset 0', () => {
    // What the SDK's describe() returns for `intervals: [{ every: '1s' }]`: no offset field.
    const described = { intervals: [{ every: 1000 }] } as unknown as ScheduleSpecDescription;
    assert.deepEqual(specModelOf(described).intervals, [{ everyMs: 1000, offsetMs: 0 }]);
  });
});
