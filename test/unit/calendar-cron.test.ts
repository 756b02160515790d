import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CronError,
  describeCalendar,
  parseCron,
  skipDates,
  WEEKENDS,
  type Range,
} from '../../src/calendar/index.js';

const r = (start: number, end = start, step = 1): Range => ({ start, end, step });

describe('parseCron', () => {
  it('parses five fields with seconds defaulting to 0 and any year', () => {
    assert.deepEqual(parseCron('30 2 * * *'), {
      second: [r(0)],
      minute: [r(30)],
      hour: [r(2)],
      dayOfMonth: [r(1, 31)],
      month: [r(1, 12)],
      dayOfWeek: [r(0, 6)],
      year: [],
    });
  });

  it('reads a sixth field as leading seconds, not a trailing year', () => {
    const c = parseCron('15 30 2 * * *');
    assert.deepEqual(c.second, [r(15)]);
    assert.deepEqual(c.minute, [r(30)]);
    assert.deepEqual(c.hour, [r(2)]);
    assert.deepEqual(c.year, []);
  });

  it('parses lists, ranges and steps', () => {
    assert.deepEqual(parseCron('1,3,5-7 * * * *').minute, [r(1), r(3), r(5, 7)]);
    assert.deepEqual(parseCron('*/15 * * * *').minute, [r(0, 59, 15)]);
    assert.deepEqual(parseCron('5/20 * * * *').minute, [r(5, 59, 20)]);
    assert.deepEqual(parseCron('0 9-17/2 * * *').hour, [r(9, 17, 2)]);
    assert.deepEqual(parseCron('0 0 1-5/2,8,20-22 * *').dayOfMonth, [r(1, 5, 2), r(8), r(20, 22)]);
    assert.deepEqual(parseCron('0 0 */10 * *').dayOfMonth, [r(1, 31, 10)]);
    assert.deepEqual(parseCron('  0   0  1 1 *  ').month, [r(1)]);
    assert.deepEqual(parseCron('0 0 * * 00').dayOfWeek, [r(0)]);
  });

  it('accepts month name prefixes of at least three letters, any case', () => {
    assert.deepEqual(parseCron('0 0 1 jan *').month, [r(1)]);
    assert.deepEqual(parseCron('0 0 1 Sept *').month, [r(9)]);
    assert.deepEqual(parseCron('0 0 1 MAR-May *').month, [r(3, 5)]);
    assert.deepEqual(parseCron('0 0 1 february/5 *').month, [r(2, 12, 5)]);
    assert.deepEqual(parseCron('0 0 1 jan,jul,december *').month, [r(1), r(7), r(12)]);
  });

  it('accepts weekday name prefixes of at least two letters', () => {
    assert.deepEqual(parseCron('0 9 * * mon-fri').dayOfWeek, [r(1, 5)]);
    assert.deepEqual(parseCron('0 9 * * Tu,TH').dayOfWeek, [r(2), r(4)]);
    assert.deepEqual(parseCron('0 9 * * sunday').dayOfWeek, [r(0)]);
    assert.deepEqual(parseCron('0 9 * * Sat,su').dayOfWeek, [r(6), r(0)]);
  });

  it('treats day-of-week 7 as Sunday and never emits 7', () => {
    assert.deepEqual(parseCron('0 0 * * 7').dayOfWeek, [r(0)]);
    assert.deepEqual(parseCron('0 0 * * 6,7').dayOfWeek, [r(6), r(0)]);
    assert.deepEqual(parseCron('0 0 * * 0-7').dayOfWeek, [r(0, 6)]);
    // Temporal's own parser turns 1-7 into 1-6 and loses Sunday; ours keeps it.
    assert.deepEqual(parseCron('0 0 * * 1-7').dayOfWeek, [r(0), r(1, 6)]);
    assert.deepEqual(parseCron('0 0 * * 5-7').dayOfWeek, [r(0), r(5, 6)]);
    assert.deepEqual(parseCron('0 0 * * 1/2').dayOfWeek, [r(0), r(1, 6, 2)]);
    // 3, 6: 7 is not reached by the step, so no Sunday.
    assert.deepEqual(parseCron('0 0 * * 3-7/3').dayOfWeek, [r(3, 6, 3)]);
  });

  it('expands the macros', () => {
    const daily = parseCron('0 0 * * *');
    assert.deepEqual(parseCron('@daily'), daily);
    assert.deepEqual(parseCron('@midnight'), daily);
    assert.deepEqual(parseCron('@yearly'), parseCron('0 0 1 1 *'));
    assert.deepEqual(parseCron('@annually'), parseCron('0 0 1 1 *'));
    assert.deepEqual(parseCron('@monthly'), parseCron('0 0 1 * *'));
    assert.deepEqual(parseCron('@weekly'), parseCron('0 0 * * 0'));
    assert.deepEqual(parseCron(' @hourly '), parseCron('0 * * * *'));
  });

  const errors: [string, CronError['field'], string][] = [
    ['61 * * * *', 'minute', 'minute 61 is out of range 0-59'],
    ['0 24 * * *', 'hour', 'hour 24 is out of range 0-23'],
    ['0 0 0 * *', 'dayOfMonth', 'day-of-month 0 is out of range 1-31'],
    ['0 0 32 * *', 'dayOfMonth', 'day-of-month 32 is out of range 1-31'],
    ['0 0 * 13 *', 'month', 'month 13 is out of range 1-12'],
    ['0 0 * * 8', 'dayOfWeek', 'day-of-week 8 is out of range 0-7'],
    ['60 0 0 * * *', 'second', 'second 60 is out of range 0-59'],
    ['0 x * * *', 'hour', 'hour "x" is not a number or name (valid: 0-23)'],
    ['0 0 * ja *', 'month', 'month "ja" is not a number or name (valid: 1-12 or jan-dec)'],
    ['0 0 * * m', 'dayOfWeek', 'day-of-week "m" is not a number or name (valid: 0-7 or sun-sat)'],
    ['0 0 * * mondays', 'dayOfWeek', 'day-of-week "mondays" is not a number or name (valid: 0-7 or sun-sat)'],
    ['0 0 * * 5-2', 'dayOfWeek', 'day-of-week range 5-2 ends before it starts'],
    ['0 0 * * fri-tue', 'dayOfWeek', 'day-of-week range fri-tue ends before it starts'],
    ['*/0 * * * *', 'minute', 'minute step 0 must be at least 1'],
    ['*/x * * * *', 'minute', 'minute step "x" is not a number'],
    ['5/ * * * *', 'minute', 'minute step is missing after "/" in "5/"'],
    ['/5 * * * *', 'minute', 'minute "/5" is missing a value before "/"'],
    ['1/2/3 * * * *', 'minute', 'minute "1/2/3" has more than one "/"'],
    ['0 0 1-5-7 * *', 'dayOfMonth', 'day-of-month "1-5-7" has more than one "-"'],
    ['0 0 * * mon-', 'dayOfWeek', 'day-of-week range "mon-" is missing its end'],
    ['1,,2 * * * *', 'minute', 'minute "1,,2" has an empty list item'],
    ['0 0 -5 * *', 'dayOfMonth', 'day-of-month range "-5" is missing its start'],
    ['0 0 L * *', 'dayOfMonth', 'day-of-month "L" uses "L" (last day), which is not supported'],
    ['0 0 * * 5L', 'dayOfWeek', 'day-of-week "5L" uses "L" (last day), which is not supported'],
    ['0 0 LW * *', 'dayOfMonth', 'day-of-month "LW" uses "L" (last day), which is not supported'],
    ['0 0 15W * *', 'dayOfMonth', 'day-of-month "15W" uses "W" (nearest weekday), which is not supported'],
    [
      '0 0 * * 5#3',
      'dayOfWeek',
      'day-of-week "5#3" uses "#" (nth weekday of the month), which is not supported',
    ],
    ['0 0 ? * 1', 'dayOfMonth', 'day-of-month "?" uses "?", which is not supported; use "*"'],
    [
      '0 0 * *',
      'fields',
      'expected 5 fields (minute hour day-of-month month day-of-week), 6 fields (second minute hour day-of-month month day-of-week) or a macro (@hourly, @daily, @weekly, @monthly, @yearly), got 4 fields',
    ],
    [
      '0 0 0 * * * 2027',
      'fields',
      "7 fields (Temporal's second minute hour day-of-month month day-of-week year) are not accepted; 5 fields (minute hour day-of-month month day-of-week), 6 fields (second minute hour day-of-month month day-of-week) or a macro (@hourly, @daily, @weekly, @monthly, @yearly); bound years with startAt/endAt",
    ],
    [
      '',
      'fields',
      'expected 5 fields (minute hour day-of-month month day-of-week), 6 fields (second minute hour day-of-month month day-of-week) or a macro (@hourly, @daily, @weekly, @monthly, @yearly), got 0 fields',
    ],
    [
      '0 12 * * 1 2027',
      'fields',
      'the 6th field "2027" looks like a year, but 6 fields here are second minute hour day-of-month month day-of-week (seconds first, as in node-cron, croner and Quartz; Temporal\'s CLI reads 6 fields as minute hour day-of-month month day-of-week year); drop the year and bound the schedule with startAt/endAt',
    ],
    ['@every 5m', 'fields', '"@every" is not supported in cron expressions; use the every: field instead'],
    [
      'TZ=Europe/Berlin 0 2 * * *',
      'fields',
      'time zone prefix "TZ=Europe/Berlin" is not supported in cron expressions; use the timezone: field instead',
    ],
    [
      'CRON_TZ=UTC 0 2 * * *',
      'fields',
      'time zone prefix "CRON_TZ=UTC" is not supported in cron expressions; use the timezone: field instead',
    ],
    [
      '@fortnightly',
      'fields',
      'unknown macro "@fortnightly" (valid: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)',
    ],
    ['@daily 0', 'fields', 'macro "@daily" takes no fields, got "0"'],
    ['0 2 * * * # nightly', 'fields', '"#" comments are not supported in cron expressions'],
  ];
  for (const [expression, field, message] of errors) {
    it(`rejects ${JSON.stringify(expression)}`, () => {
      assert.throws(
        () => parseCron(expression),
        (err: unknown) => {
          assert.ok(err instanceof CronError);
          assert.equal(err.name, 'CronError');
          assert.equal(err.message, message);
          assert.equal(err.field, field);
          assert.equal(err.expression, expression);
          return true;
        },
      );
    });
  }
});

describe('describeCalendar', () => {
  const cases: [string, string][] = [
    ['0 2 * * *', 'at 02:00 every day'],
    ['* * * * *', 'every minute'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['5 * * * *', 'every hour at :05'],
    ['30 9 * * mon-fri', 'at 09:30 on Mon-Fri'],
    ['0 9,17 * * *', 'at 09:00, 17:00 every day'],
    ['15 30 2 * * *', 'at 02:30:15 every day'],
    ['30 */20 * * * *', 'every 20 minutes at second 30'],
    ['30 * * * * *', 'every minute at second 30'],
    ['30 5 * * * *', 'every hour at :05:30'],
    ['*/10 * * * * *', 'every 10 seconds'],
    ['*/10 * * * * 1-5', 'every 10 seconds on Mon-Fri'],
    ['@yearly', 'at 00:00 on Jan 1'],
    ['0 0 1,15 * *', 'at 00:00 on days 1,15 of every month'],
    ['0 0 * 12 *', 'at 00:00 every day in Dec'],
    ['0,30 9-17 * * 1-5', 'cron 0 0,30 9-17 * * Mon-Fri'],
    ['0 0 13 * fri', 'cron 0 0 0 13 * Fri'],
  ];
  for (const [expression, text] of cases) {
    it(`describes ${expression}`, () => assert.equal(describeCalendar(parseCron(expression)), text));
  }

  it('describes skip calendars', () => {
    assert.equal(describeCalendar(WEEKENDS), 'all day on Sun,Sat');
    const [holiday] = skipDates([{ from: '2026-12-24', to: '2026-12-26' }]);
    assert.ok(holiday);
    assert.equal(describeCalendar(holiday), 'all day on Dec 24-26 in 2026');
  });
});
