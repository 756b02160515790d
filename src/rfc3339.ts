/**
 * RFC 3339 times: the one form a person reads fire times in, and checking that a date or
 * date-time names a real instant (`Date.parse` rolls impossible fields over: `2026-02-30` becomes
 * March 2, `T24:00:00Z` the next day; {@link impossibleField} names the field).
 */

/**
 * A fire time (or any instant) as users read it everywhere: RFC 3339 UTC in whole seconds, as in
 * run ids (`2026-11-24T20:21:40Z`); milliseconds are kept only when there are some.
 * @param time a Date, or an RFC 3339 string such as `Date.toISOString()` returns
 */
export function formatFireTime(time: Date | string): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

const FIELDS =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))?)?$/i;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Names the first out-of-range field of an RFC 3339 date (`2026-02-30`) or date-time, e.g.
 * `February 2026 has 28 days` or `hour 24 is out of range 00-23`.
 * @returns undefined when every field is in range, or when `text` is not in that form at all
 *   (callers check the form and say what it should be)
 */
export function impossibleField(text: string): string | undefined {
  const m = FIELDS.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, oh, om] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12) return `month ${mo} is out of range 01-12`;
  const days = daysIn(year, month);
  if (day < 1 || day > days) {
    return day < 1 ? `day ${d} is out of range 01-${days}` : `${MONTHS[month - 1]} ${y} has ${days} days`;
  }
  const ranges: [string | undefined, string, number][] = [
    [h, 'hour', 23],
    [mi, 'minute', 59],
    [s, 'second', 59],
    [oh, 'zone offset hour', 23],
    [om, 'zone offset minute', 59],
  ];
  for (const [value, name, max] of ranges) {
    if (value !== undefined && Number(value) > max) return `${name} ${value} is out of range 00-${max}`;
  }
  return undefined;
}
