import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  fireTimesBetween,
  nextFireTime,
  parseCron,
  skipDates,
  SpecError,
  WEEKENDS,
  type SpecModel,
} from '../../src/calendar/index.js';

const spec = (fields: Partial<SpecModel>): SpecModel => ({
  calendars: [],
  intervals: [],
  skip: [],
  timeZone: 'UTC',
  ...fields,
});
const isoList = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
const iso = (text: string): string => new Date(text).toISOString();
const HOUR = 3_600_000;

describe('nextFireTime', () => {
  it('aligns intervals to the Unix epoch in UTC, plus the offset, whatever the zone', () => {
    const hourly15 = { everyMs: HOUR, offsetMs: 15 * 60_000 };
    for (const timeZone of ['UTC', 'Asia/Kolkata', 'America/St_Johns']) {
      const s = spec({ intervals: [hourly15], timeZone });
      assert.equal(
        nextFireTime(s, new Date('2026-01-01T10:20:00Z'))?.toISOString(),
        iso('2026-01-01T11:15:00Z'),
      );
    }
    // 2026-01-01T00:00Z is a multiple of 90 minutes since the epoch; the next is strictly after.
    const s90 = spec({ intervals: [{ everyMs: 90 * 60_000, offsetMs: 0 }] });
    assert.equal(
      nextFireTime(s90, new Date('2026-01-01T00:00:00Z'))?.toISOString(),
      iso('2026-01-01T01:30:00Z'),
    );
    // The epoch was a Thursday, so a 7-day interval fires on Thursdays at 00:00Z.
    const weekly = spec({ intervals: [{ everyMs: 7 * 24 * HOUR, offsetMs: 0 }] });
    assert.equal(
      nextFireTime(weekly, new Date('2026-01-03T00:00:00Z'))?.toISOString(),
      iso('2026-01-08T00:00:00Z'),
    );
  });

  it('takes the earliest of all calendars and intervals, once when they coincide', () => {
    // 2026-02-01T00:00Z is a multiple of 5 hours since the epoch and also the monthly time.
    const s = spec({
      calendars: [parseCron('0 12 * * *'), parseCron('0 0 1 * *')],
      intervals: [{ everyMs: 5 * HOUR, offsetMs: 0 }],
    });
    assert.deepEqual(
      isoList(fireTimesBetween(s, new Date('2026-01-31T18:00:00Z'), new Date('2026-02-01T13:00:00Z'))),
      [
        iso('2026-01-31T19:00:00Z'),
        iso('2026-02-01T00:00:00Z'),
        iso('2026-02-01T05:00:00Z'),
        iso('2026-02-01T10:00:00Z'),
        iso('2026-02-01T12:00:00Z'),
      ],
    );
  });

  it('removes times matching skip calendars: a holiday and weekends', () => {
    const s = spec({
      calendars: [parseCron('0 9 * * *')],
      skip: [...skipDates([{ from: '2026-12-25', to: '2026-12-25' }]), WEEKENDS],
      timeZone: 'America/New_York',
    });
    // Dec 25 is a Friday, Dec 26-27 a weekend.
    assert.deepEqual(
      isoList(fireTimesBetween(s, new Date('2026-12-24T00:00:00Z'), new Date('2026-12-30T00:00:00Z'))),
      [iso('2026-12-24T14:00:00Z'), iso('2026-12-28T14:00:00Z'), iso('2026-12-29T14:00:00Z')],
    );
  });

  it('evaluates skip calendars in the schedule time zone', () => {
    // 08:00 on Dec 25 in Tokyo is 23:00Z on Dec 24: skipped by the Dec 25 skip date.
    const s = spec({
      calendars: [parseCron('0 8 * * *')],
      skip: skipDates([{ from: '2026-12-25', to: '2026-12-25' }]),
      timeZone: 'Asia/Tokyo',
    });
    assert.equal(
      nextFireTime(s, new Date('2026-12-24T00:00:00Z'))?.toISOString(),
      iso('2026-12-25T23:00:00Z'),
    );
  });

  it('keeps searching past many skipped interval times', () => {
    const s = spec({ intervals: [{ everyMs: 60_000, offsetMs: 0 }], skip: [WEEKENDS] });
    // Friday 2026-01-02 23:59Z, then the whole weekend is skipped.
    assert.equal(
      nextFireTime(s, new Date('2026-01-02T23:58:30Z'))?.toISOString(),
      iso('2026-01-02T23:59:00Z'),
    );
    assert.equal(
      nextFireTime(s, new Date('2026-01-02T23:59:00Z'))?.toISOString(),
      iso('2026-01-05T00:00:00Z'),
    );
  });

  it('honours startAt and endAt inclusively', () => {
    const daily = parseCron('0 12 * * *');
    const s = spec({
      calendars: [daily],
      startAt: new Date('2026-03-01T12:00:00Z'),
      endAt: new Date('2026-03-03T12:00:00Z'),
    });
    assert.equal(
      nextFireTime(s, new Date('2026-01-01T00:00:00Z'))?.toISOString(),
      iso('2026-03-01T12:00:00Z'),
    );
    assert.equal(
      nextFireTime(s, new Date('2026-03-02T12:00:00Z'))?.toISOString(),
      iso('2026-03-03T12:00:00Z'),
    );
    assert.equal(nextFireTime(s, new Date('2026-03-03T12:00:00Z')), undefined);
    const late = spec({ calendars: [daily], startAt: new Date('2026-03-01T12:00:01Z') });
    assert.equal(
      nextFireTime(late, new Date('2026-01-01T00:00:00Z'))?.toISOString(),
      iso('2026-03-02T12:00:00Z'),
    );
  });

  it('ends after 2100, for intervals too', () => {
    const s = spec({ intervals: [{ everyMs: HOUR, offsetMs: 0 }] });
    assert.equal(nextFireTime(s, new Date('2100-12-31T23:00:00Z')), undefined);
    assert.equal(nextFireTime(spec({}), new Date('2026-01-01T00:00:00Z')), undefined);
  });

  it('follows the server across DST: the New York repeated 01:30 fires twice', () => {
    const s = spec({ calendars: [parseCron('30 1 * * *')], timeZone: 'America/New_York' });
    assert.deepEqual(
      isoList(fireTimesBetween(s, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-03T00:00:00Z'))),
      [iso('2026-11-01T05:30:00Z'), iso('2026-11-01T06:30:00Z'), iso('2026-11-02T06:30:00Z')],
    );
  });

  it('rejects intervals the server rejects', () => {
    assert.throws(() => nextFireTime(spec({ intervals: [{ everyMs: 500, offsetMs: 0 }] }), new Date()), {
      name: 'SpecError',
      message: 'intervals[0]: every 500ms is below the minimum of 1 second',
    });
    assert.throws(() => nextFireTime(spec({ intervals: [{ everyMs: HOUR, offsetMs: HOUR }] }), new Date()), {
      name: 'SpecError',
      message: 'intervals[0]: offset 3600000ms must be at least 0 and less than 3600000ms',
    });
  });
});

describe('fireTimesBetween', () => {
  const s = spec({ calendars: [parseCron('0 12 * * *')] });

  it('includes from and excludes to', () => {
    assert.deepEqual(
      isoList(fireTimesBetween(s, new Date('2026-01-01T12:00:00Z'), new Date('2026-01-03T12:00:00Z'))),
      [iso('2026-01-01T12:00:00Z'), iso('2026-01-02T12:00:00Z')],
    );
    assert.deepEqual(
      fireTimesBetween(s, new Date('2026-01-01T12:00:00.001Z'), new Date('2026-01-02T12:00:00Z')),
      [],
    );
  });

  it('stops at the limit', () => {
    const times = fireTimesBetween(s, new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'), 3);
    assert.deepEqual(isoList(times), [
      iso('2026-01-01T12:00:00Z'),
      iso('2026-01-02T12:00:00Z'),
      iso('2026-01-03T12:00:00Z'),
    ]);
  });
});

describe('skipDates', () => {
  const shape = (from: string, to: string): [string, string, string, string | undefined][] =>
    skipDates([{ from, to }]).map((c) => {
      assert.deepEqual(c.hour, [{ start: 0, end: 23, step: 1 }]);
      assert.deepEqual(c.dayOfWeek, [{ start: 0, end: 6, step: 1 }]);
      const text = (rs: { start: number; end: number }[]): string =>
        rs.map((r) => `${r.start}-${r.end}`).join(',');
      return [text(c.year), text(c.month), text(c.dayOfMonth), c.comment];
    });

  it('builds one calendar for days within a month', () => {
    assert.deepEqual(shape('2026-12-24', '2026-12-26'), [
      ['2026-2026', '12-12', '24-26', 'skip 2026-12-24 to 2026-12-26'],
    ]);
    assert.deepEqual(shape('2026-07-04', '2026-07-04'), [['2026-2026', '7-7', '4-4', 'skip 2026-07-04']]);
  });

  it('splits ranges across month and year ends', () => {
    assert.deepEqual(
      shape('2026-12-30', '2027-01-02').map((x) => x.slice(0, 3)),
      [
        ['2026-2026', '12-12', '30-31'],
        ['2027-2027', '1-1', '1-2'],
      ],
    );
    assert.deepEqual(
      shape('2026-11-15', '2029-02-28').map((x) => x.slice(0, 3)),
      [
        ['2026-2026', '11-11', '15-31'],
        ['2026-2026', '12-12', '1-31'],
        ['2027-2028', '1-12', '1-31'],
        ['2029-2029', '1-2', '1-31'],
      ],
    );
    assert.deepEqual(
      shape('2026-01-01', '2026-03-10').map((x) => x.slice(0, 3)),
      [
        ['2026-2026', '1-2', '1-31'],
        ['2026-2026', '3-3', '1-10'],
      ],
    );
  });

  it('skips every second of the days and nothing else', () => {
    const s = spec({
      intervals: [{ everyMs: 1000, offsetMs: 0 }],
      skip: skipDates([{ from: '2026-12-30', to: '2027-01-02' }]),
      timeZone: 'Europe/Berlin',
    });
    // 2026-12-29T23:00Z is midnight Dec 30 in Berlin: the last allowed second is just before.
    assert.equal(
      nextFireTime(s, new Date('2026-12-29T22:59:58Z'))?.toISOString(),
      iso('2026-12-29T22:59:59Z'),
    );
    assert.equal(
      nextFireTime(s, new Date('2026-12-29T22:59:59Z'))?.toISOString(),
      iso('2027-01-02T23:00:00Z'),
    );
  });

  it('rejects bad dates', () => {
    const bad: [string, string, string][] = [
      ['2026-02-30', '2026-03-01', 'skip date from "2026-02-30" is not a valid date (expected YYYY-MM-DD)'],
      ['2026-1-5', '2026-01-06', 'skip date from "2026-1-5" is not a valid date (expected YYYY-MM-DD)'],
      [
        '2026-01-05',
        '2101-01-01',
        'skip date to "2101-01-01" is outside the years Temporal accepts (2000-2100)',
      ],
      ['2026-01-05', '2026-01-04', 'skip dates 2026-01-05 to 2026-01-04: the end is before the start'],
    ];
    for (const [from, to, message] of bad) {
      assert.throws(
        () => skipDates([{ from, to }]),
        (err: unknown) => {
          assert.ok(err instanceof SpecError);
          assert.equal(err.message, message);
          return true;
        },
      );
    }
  });
});
