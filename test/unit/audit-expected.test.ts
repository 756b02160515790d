/**
 * Fire times from the server's `ListScheduleMatchingTimes`, without a server: paging by the
 * server's 1,000-times cap, and naming the nominal time of each jittered fire.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleSpecDescription } from '@temporalio/client';
import { fireTimesBetween, type SpecModel } from '../../src/calendar';
import {
  FireTimesDisagreeError,
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

/** A per-minute schedule whose server is faked, counting calls, and a two-day window. */
function perMinuteServer() {
  const calls = { n: 0 };
  const schedule = {
    scheduleId: 's',
    call: fakeMatchingTimes(perMinute, { calls }),
    jitterMs: 0,
    model: perMinute,
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
