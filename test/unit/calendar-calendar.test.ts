import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  calendarMatches,
  dstWarnings,
  isValidTimeZone,
  nextCalendarTime,
  parseCron,
  resolveWallClock,
  TimeZoneError,
  wallClock,
  zoneOffsetMs,
} from '../../src/calendar/index.js';

/** The sequence of `count` calendar times after `after`, as ISO strings. */
function sequence(cron: string, timeZone: string, after: string, count: number): string[] {
  const c = parseCron(cron);
  const times: string[] = [];
  let t: Date | undefined = new Date(after);
  while (times.length < count) {
    t = nextCalendarTime(c, t, timeZone);
    if (!t) break;
    times.push(t.toISOString());
  }
  return times;
}

const iso = (text: string): string => new Date(text).toISOString();

describe('time zones', () => {
  it('validates names case-sensitively and rejects offsets and Local', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'US/Eastern', 'Asia/Kolkata']) {
      assert.equal(isValidTimeZone(tz), true, tz);
    }
    for (const tz of ['', 'Local', '+05:00', 'america/new_york', 'Mars/Olympus', 'Europe/Berlin ']) {
      assert.equal(isValidTimeZone(tz), false, tz);
    }
  });

  it('throws TimeZoneError for an unknown zone', () => {
    assert.throws(() => nextCalendarTime(parseCron('@daily'), new Date(), 'Mars/Olympus'), TimeZoneError);
  });

  it('reports offsets and wall clocks', () => {
    assert.equal(zoneOffsetMs('America/New_York', new Date('2026-07-01T00:00:00Z')), -4 * 3_600_000);
    assert.equal(zoneOffsetMs('America/New_York', new Date('2026-12-01T00:00:00Z')), -5 * 3_600_000);
    assert.equal(zoneOffsetMs('Asia/Kolkata', new Date('2026-12-01T00:00:00Z')), 5.5 * 3_600_000);
    assert.deepEqual(wallClock('Asia/Shanghai', new Date('2026-05-01T18:00:00.900Z')), {
      year: 2026,
      month: 5,
      day: 2,
      hour: 2,
      minute: 0,
      second: 0,
      weekday: 6,
    });
  });

  it("resolves wall times like Go's time.Date", () => {
    const at = (ms: number): string => new Date(ms).toISOString();
    // Gap, west of UTC: 02:30 does not exist on 2027-03-14 in New York; Go lands an hour
    // earlier (01:30 EST = 06:30Z). East of UTC (Berlin, 2027-03-28) it lands an hour later
    // (03:30 CEST = 01:30Z).
    assert.equal(at(resolveWallClock('America/New_York', 2027, 3, 14, 2, 30)), iso('2027-03-14T06:30:00Z'));
    assert.equal(at(resolveWallClock('Europe/Berlin', 2027, 3, 28, 2, 30)), iso('2027-03-28T01:30:00Z'));
    // Overlap: New York's repeated 01:30 resolves to the first (EDT) copy, Berlin's repeated
    // 02:30 to the second (CET) copy.
    assert.equal(at(resolveWallClock('America/New_York', 2026, 11, 1, 1, 30)), iso('2026-11-01T05:30:00Z'));
    assert.equal(at(resolveWallClock('Europe/Berlin', 2026, 10, 25, 2, 30)), iso('2026-10-25T01:30:00Z'));
    // Fields overflow as in Go.
    assert.equal(at(resolveWallClock('UTC', 2026, 12, 31, 24)), iso('2027-01-01T00:00:00Z'));
  });
});

describe('nextCalendarTime', () => {
  it('fires every minute, strictly after the given time, at one-second resolution', () => {
    assert.deepEqual(sequence('* * * * *', 'UTC', '2026-01-01T00:00:30Z', 3), [
      iso('2026-01-01T00:01:00Z'),
      iso('2026-01-01T00:02:00Z'),
      iso('2026-01-01T00:03:00Z'),
    ]);
    assert.deepEqual(sequence('* * * * *', 'UTC', '2026-01-01T00:01:00Z', 1), [iso('2026-01-01T00:02:00Z')]);
    // Sub-second parts are dropped first, as the server does.
    assert.deepEqual(sequence('* * * * * *', 'UTC', '2026-01-01T00:00:00.999Z', 1), [
      iso('2026-01-01T00:00:01Z'),
    ]);
  });

  it('works in the calendar time zone', () => {
    // 02:00 in Shanghai (UTC+8, no DST) is 18:00Z the day before.
    assert.deepEqual(sequence('0 2 * * *', 'Asia/Shanghai', '2026-05-01T00:00:00Z', 2), [
      iso('2026-05-01T18:00:00Z'),
      iso('2026-05-02T18:00:00Z'),
    ]);
  });

  it('skips months without the day', () => {
    assert.deepEqual(sequence('0 0 31 * *', 'UTC', '2026-01-31T00:00:00Z', 4), [
      iso('2026-03-31T00:00:00Z'),
      iso('2026-05-31T00:00:00Z'),
      iso('2026-07-31T00:00:00Z'),
      iso('2026-08-31T00:00:00Z'),
    ]);
  });

  it('finds leap days', () => {
    assert.deepEqual(sequence('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 2), [
      iso('2028-02-29T00:00:00Z'),
      iso('2032-02-29T00:00:00Z'),
    ]);
  });

  it('ANDs day-of-month and day-of-week (Friday the 13th)', () => {
    assert.deepEqual(sequence('0 0 13 * fri', 'UTC', '2026-01-01T00:00:00Z', 4), [
      iso('2026-02-13T00:00:00Z'),
      iso('2026-03-13T00:00:00Z'),
      iso('2026-11-13T00:00:00Z'),
      iso('2027-08-13T00:00:00Z'),
    ]);
  });

  it('honours years and stops after 2100', () => {
    const c = { ...parseCron('0 0 1 1 *'), year: [{ start: 2030, end: 2031, step: 1 }] };
    assert.equal(
      nextCalendarTime(c, new Date('2026-06-01T00:00:00Z'), 'UTC')?.toISOString(),
      iso('2030-01-01'),
    );
    assert.equal(nextCalendarTime(c, new Date('2031-01-01T00:00:00Z'), 'UTC'), undefined);
    assert.equal(nextCalendarTime(parseCron('@yearly'), new Date('2100-06-01T00:00:00Z'), 'UTC'), undefined);
  });

  it('skips a time in the New York spring-forward gap (2027-03-14)', () => {
    // 02:30 does not exist on 2027-03-14. Go's time.Date resolves it to 01:30 EST, whose hour
    // (1) differs from the requested hour (2), so the server moves on to 03:00, which the
    // calendar does not match: no run that day.
    assert.deepEqual(sequence('30 2 * * *', 'America/New_York', '2027-03-13T00:00:00Z', 3), [
      iso('2027-03-13T07:30:00Z'),
      iso('2027-03-15T06:30:00Z'),
      iso('2027-03-16T06:30:00Z'),
    ]);
  });

  it('fires twice for a time in the New York repeated hour (2026-11-01)', () => {
    // time.Date gives the first (EDT) 01:30. From there, rolling 01:59 over to 02:00 takes two
    // real hours, so the server retries hour 1 with a one-hour offset and also fires at the
    // second (EST) 01:30. This matches the server's own test for US/Pacific.
    assert.deepEqual(sequence('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 3), [
      iso('2026-11-01T05:30:00Z'),
      iso('2026-11-01T06:30:00Z'),
      iso('2026-11-02T06:30:00Z'),
    ]);
    // From any second between the two copies the next time is the second copy.
    assert.equal(
      nextCalendarTime(
        parseCron('30 1 * * *'),
        new Date('2026-11-01T06:10:00Z'),
        'America/New_York',
      )?.toISOString(),
      iso('2026-11-01T06:30:00Z'),
    );
  });

  it('skips a time in the Berlin spring-forward gap (2027-03-28)', () => {
    // 02:30 resolves to 03:30 CEST east of UTC; the hour differs, so it is skipped too.
    assert.deepEqual(sequence('30 2 * * *', 'Europe/Berlin', '2027-03-27T12:00:00Z', 2), [
      iso('2027-03-29T00:30:00Z'),
      iso('2027-03-30T00:30:00Z'),
    ]);
  });

  it('fires only at the second copy of a Berlin repeated time (2026-10-25)', () => {
    // East of UTC time.Date resolves 02:30 to the second (CET) copy, 01:30Z; the server
    // reaches hour 2 through its hour loop, which never applies the one-hour retry, so the
    // first (CEST) copy at 00:30Z never fires.
    assert.deepEqual(sequence('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2), [
      iso('2026-10-25T01:30:00Z'),
      iso('2026-10-26T01:30:00Z'),
    ]);
  });

  it("reproduces the server's every-minute jumps in Berlin's repeated hour", () => {
    // 01:59 CEST -> 02:00: two real hours, so hour 1 is retried with +1h, giving 02:00 CEST
    // (00:00Z). From there 02:01 resolves to the CET copy (01:01Z). From the second copy the
    // server adds one hour again: 02:02 CET + 1h = 03:02 CET (02:02Z). Not what a user wants,
    // but it is what the server does.
    assert.deepEqual(sequence('* * * * *', 'Europe/Berlin', '2026-10-24T23:58:00Z', 5), [
      iso('2026-10-24T23:59:00Z'),
      iso('2026-10-25T00:00:00Z'),
      iso('2026-10-25T01:01:00Z'),
      iso('2026-10-25T02:02:00Z'),
      iso('2026-10-25T02:03:00Z'),
    ]);
  });

  it('handles a gap at midnight (America/Santiago, 2026-09-06)', () => {
    // 00:00 does not exist on 2026-09-06 in Santiago, so that day has no run.
    assert.deepEqual(sequence('0 0 * * *', 'America/Santiago', '2026-09-04T00:00:00Z', 3), [
      iso('2026-09-04T04:00:00Z'),
      iso('2026-09-05T04:00:00Z'),
      iso('2026-09-07T03:00:00Z'),
    ]);
  });

  it('lands later in the hour for a half-hour gap (Australia/Lord_Howe, 2026-10-04)', () => {
    // 02:00-02:30 does not exist; time.Date turns 02:15 into 02:45 (+11), still hour 2, so the
    // server fires at 02:45 local.
    assert.deepEqual(sequence('15 2 * * *', 'Australia/Lord_Howe', '2026-10-03T00:00:00Z', 2), [
      iso('2026-10-03T15:45:00Z'),
      iso('2026-10-04T15:15:00Z'),
    ]);
  });

  it('matches instants in the zone', () => {
    const c = parseCron('30 1 * * sun');
    assert.equal(calendarMatches(c, new Date('2026-11-01T05:30:00Z'), 'America/New_York'), true);
    assert.equal(calendarMatches(c, new Date('2026-11-01T06:30:59Z'), 'America/New_York'), false);
    assert.equal(
      calendarMatches(parseCron('* 30 1 * * *'), new Date('2026-11-01T06:30:01.5Z'), 'America/New_York'),
      true,
    );
  });
});

describe('dstWarnings', () => {
  const from = new Date('2026-06-01T00:00:00Z');

  it('warns about a spring-forward gap with no run that day', () => {
    assert.deepEqual(dstWarnings(parseCron('30 2 * * *'), 'America/New_York', from), [
      {
        date: '2027-03-14',
        kind: 'gap',
        wallTimes: ['02:30'],
        effect: '02:30 does not exist on 2027-03-14; Temporal skips it: no run that day',
      },
    ]);
  });

  it('warns about a repeated time that runs twice', () => {
    assert.deepEqual(dstWarnings(parseCron('30 1 * * *'), 'America/New_York', from), [
      {
        date: '2026-11-01',
        kind: 'overlap',
        wallTimes: ['01:30'],
        effect: '01:30 occurs twice on 2026-11-01; Temporal runs at both occurrences (05:30Z, 06:30Z)',
      },
    ]);
  });

  it('reports both Berlin transitions and the second-copy-only behaviour', () => {
    assert.deepEqual(dstWarnings(parseCron('30 2 * * *'), 'Europe/Berlin', from), [
      {
        date: '2026-10-25',
        kind: 'overlap',
        wallTimes: ['02:30'],
        effect: '02:30 occurs twice on 2026-10-25; Temporal runs at the second occurrence only (01:30Z)',
      },
      {
        date: '2027-03-28',
        kind: 'gap',
        wallTimes: ['02:30'],
        effect: '02:30 does not exist on 2027-03-28; Temporal skips it: no run that day',
      },
    ]);
  });

  it('reports runs at times the calendar does not match', () => {
    const [warning] = dstWarnings(parseCron('*/20 2 * * *'), 'Europe/Berlin', from, 6);
    assert.deepEqual(warning, {
      date: '2026-10-25',
      kind: 'overlap',
      wallTimes: ['02:00', '02:20', '02:40'],
      effect:
        '02:00 occurs twice on 2026-10-25; Temporal runs at the second occurrence only (01:00Z); ' +
        '02:20, 02:40 occur twice on 2026-10-25; Temporal does not run them at either occurrence; ' +
        'it also runs at 03:20 (02:20Z), which the calendar does not match',
    });
  });

  it('names the next run when the day continues after the gap', () => {
    const warnings = dstWarnings(
      parseCron('0,30 * * * *'),
      'America/New_York',
      new Date('2027-01-01T00:00:00Z'),
      3,
    );
    assert.deepEqual(warnings, [
      {
        date: '2027-03-14',
        kind: 'gap',
        wallTimes: ['02:00', '02:30'],
        effect:
          '02:00, 02:30 do not exist on 2027-03-14; Temporal skips them; the next run that day is at 03:00 (07:00Z)',
      },
    ]);
  });

  it('reports a shifted run for a partial-hour gap', () => {
    const [warning] = dstWarnings(parseCron('15 2 * * *'), 'Australia/Lord_Howe', from);
    assert.equal(
      warning?.effect,
      '02:15 does not exist on 2026-10-04; Temporal runs at 02:45 (15:45Z) instead',
    );
  });

  it('is empty for unaffected times, zones without DST, and outside the window', () => {
    assert.deepEqual(dstWarnings(parseCron('0 12 * * *'), 'America/New_York', from), []);
    assert.deepEqual(dstWarnings(parseCron('30 2 * * *'), 'Asia/Shanghai', from), []);
    assert.deepEqual(dstWarnings(parseCron('30 2 * * *'), 'America/New_York', from, 6), []);
    // US transitions happen on Sundays, so a Monday-only calendar is never affected.
    assert.deepEqual(dstWarnings(parseCron('30 2 * * mon'), 'America/New_York', from), []);
  });
});
