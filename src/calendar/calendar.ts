/**
 * Calendar matching in a time zone, mirroring Temporal server v1.29.1
 * (`service/worker/scheduler/calendar.go`, `compiledCalendar.next` and `matches`), including
 * its daylight-saving behaviour, which depends on how Go's `time.Date` resolves wall-clock
 * times that do not exist or occur twice. Time zones are read through `Intl.DateTimeFormat`.
 */
import type { CalendarFields, Range } from './cron.js';

/** The last year Temporal's calendar search considers; later times never match. */
export const MAX_CALENDAR_YEAR = 2100;

const SECOND = 1000;
const HOUR = 3_600_000;
// Offsets are cached per 15-minute bucket of UTC time. Sound as long as no zone has two
// transitions within 15 minutes that cancel out, which no tzdata zone has.
const BUCKET = 15 * 60_000;
const MAX_CACHED_BUCKETS = 100_000;

/** A time zone name that `Intl` (and so, we assume, the Temporal server's tzdata) does not know. */
export class TimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`unknown time zone "${timeZone}" (expected an IANA name such as "Europe/Berlin" or "UTC")`);
    this.name = 'TimeZoneError';
  }
}

interface Zone {
  format: Intl.DateTimeFormat;
  /** Offset in ms per bucket, or NaN for a bucket that contains a transition. */
  buckets: Map<number, number>;
}

const zones = new Map<string, Zone>();

function makeFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/**
 * Whether `tz` is an IANA time zone name usable for a schedule. Names are case-sensitive, as
 * they are for the server's `time.LoadLocation`; offsets like `+05:00` and `Local` are rejected.
 */
export function isValidTimeZone(tz: string): boolean {
  if (zones.has(tz)) return true;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false;
  let resolved: string;
  try {
    resolved = makeFormat(tz).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl matches names case-insensitively; a name differing from its canonical form only in
  // case would fail on the server.
  return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
}

function getZone(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (!zone) {
    if (!isValidTimeZone(timeZone)) throw new TimeZoneError(timeZone);
    zone = { format: makeFormat(timeZone), buckets: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

const FORMATTED = /^(\d+)\/(\d+)\/(-?\d+), (\d+):(\d+):(\d+)$/;

function exactOffset(zone: Zone, ms: number): number {
  const whole = Math.floor(ms / SECOND) * SECOND;
  const m = FORMATTED.exec(zone.format.format(whole));
  if (!m) throw new Error(`unexpected Intl output for ${new Date(whole).toISOString()}`);
  const [, month, day, year, hour, minute, second] = m.map(Number);
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return wall - whole;
}

function offsetOf(zone: Zone, ms: number): number {
  const bucket = Math.floor(ms / BUCKET);
  let offset = zone.buckets.get(bucket);
  if (offset === undefined) {
    const first = exactOffset(zone, bucket * BUCKET);
    const last = exactOffset(zone, bucket * BUCKET + BUCKET - SECOND);
    offset = first === last ? first : NaN;
    if (zone.buckets.size >= MAX_CACHED_BUCKETS) zone.buckets.clear();
    zone.buckets.set(bucket, offset);
  }
  return Number.isNaN(offset) ? exactOffset(zone, ms) : offset;
}

/**
 * The offset of `timeZone` from UTC at an instant, in milliseconds (positive east of UTC).
 * @throws {TimeZoneError} for an unknown zone.
 */
export function zoneOffsetMs(timeZone: string, at: Date | number): number {
  return offsetOf(getZone(timeZone), typeof at === 'number' ? at : at.getTime());
}

/** Wall-clock fields of an instant in a zone; `month` 1-12, `weekday` 0 (Sunday) to 6. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** The fields of a wall-clock time given as milliseconds of that wall time read as UTC. */
export function wallFields(localMs: number): WallClock {
  const d = new Date(localMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

function wallOf(zone: Zone, ms: number): WallClock {
  const whole = Math.floor(ms / SECOND) * SECOND;
  return wallFields(whole + offsetOf(zone, whole));
}

/**
 * The wall-clock time of an instant in `timeZone`, truncated to the second.
 * @throws {TimeZoneError} for an unknown zone.
 */
export function wallClock(timeZone: string, at: Date | number): WallClock {
  return wallOf(getZone(timeZone), typeof at === 'number' ? at : at.getTime());
}

function civilUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  // Unlike Date.UTC, setUTCFullYear does not map years 0-99 to 1900-1999; both normalise overflow.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

function resolveIn(zone: Zone, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const wall = civilUtc(y, mo, d, h, mi, s);
  // Go's time.Date: look up the offset at the wall time read as UTC; if the instant that
  // offset gives lies outside that offset's period, use the offset in force at that instant
  // instead (which equals the first offset whenever the instant lies inside the period).
  const guess = offsetOf(zone, wall);
  return guess === 0 ? wall : wall - offsetOf(zone, wall - guess);
}

/**
 * The instant of a wall-clock time in `timeZone`, resolved exactly as Go's `time.Date` does
 * (fields may overflow, e.g. hour 24). For a time inside a spring-forward gap the result is
 * not that wall time (west of UTC it lands an hour earlier, east of UTC an hour later); for a
 * time that occurs twice it is the first occurrence west of UTC and the second east of UTC.
 * @returns milliseconds since the epoch
 * @throws {TimeZoneError} for an unknown zone.
 */
export function resolveWallClock(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  return resolveIn(getZone(timeZone), year, month, day, hour, minute, second);
}

/** Days in a month (1-12) of a proleptic Gregorian year. */
export function daysInMonth(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

type Matcher = (value: number) => boolean;

function valueMatcher(ranges: readonly Range[]): Matcher {
  const values = new Set<number>();
  for (const r of ranges) {
    // Same normalisation as the server's iterateRanges.
    const step = r.step >= 1 ? r.step : 1;
    const end = r.end < r.start ? r.start : r.end;
    for (let v = r.start; v <= end; v += step) values.add(v);
  }
  return (value) => values.has(value);
}

/** A calendar prepared for repeated evaluation in one zone. */
export interface CompiledCalendar {
  /** Whether the instant (truncated to the second) matches, as the server's `matches`. */
  matches(ms: number): boolean;
  /** The earliest matching instant strictly after `ms`, or undefined; as the server's `next`. */
  next(ms: number): number | undefined;
  /** Whether a wall-clock time matches the fields, ignoring the zone. */
  matchesWall(w: WallClock): boolean;
}

/**
 * Compiles a calendar for repeated evaluation in `timeZone`.
 * Field values outside their valid range never match.
 * @throws {TimeZoneError} for an unknown zone.
 */
export function compileCalendar(c: CalendarFields, timeZone: string): CompiledCalendar {
  const zone = getZone(timeZone);
  const second = valueMatcher(c.second);
  const minute = valueMatcher(c.minute);
  const hour = valueMatcher(c.hour);
  const dayOfMonth = valueMatcher(c.dayOfMonth);
  const month = valueMatcher(c.month);
  const dayOfWeek = valueMatcher(c.dayOfWeek);
  const year: Matcher = c.year.length === 0 ? () => true : valueMatcher(c.year);
  const date = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
    resolveIn(zone, y, mo, d, h, mi, s);

  const matchesWall = (w: WallClock): boolean =>
    year(w.year) &&
    month(w.month) &&
    dayOfMonth(w.day) &&
    dayOfWeek(w.weekday) &&
    hour(w.hour) &&
    minute(w.minute) &&
    second(w.second);

  // A line-by-line port of compiledCalendar.next; keep it that way so it can be diffed.
  const next = (after: number): number | undefined => {
    const start = wallOf(zone, after);
    let { year: y, month: mo, day: d, hour: h, minute: m, second: s } = start;
    let dstOffset = 0;
    if (wallOf(zone, after - HOUR).hour === h) {
      // in the second copy of a repeated hour
      dstOffset = HOUR;
    }
    s++;
    outer: for (;;) {
      if (s >= 60) {
        m++;
        s = 0;
      }
      if (m >= 60) {
        const prev = date(y, mo, d, h, 0, 0);
        h++;
        m = 0;
        const following = date(y, mo, d, h, 0, 0);
        // Moving to the next hour took two real hours: a repeated hour was skipped over, so
        // retry this hour shifted by one hour (its second copy).
        if (dstOffset === 0 && following - prev > HOUR) {
          h--;
          dstOffset = HOUR;
        } else {
          dstOffset = 0;
        }
      }
      if (h >= 24) {
        d++;
        h = 0;
      }
      if (d > daysInMonth(mo, y)) {
        mo++;
        d = 1;
      }
      if (mo > 12) {
        y++;
        mo = 1;
      }
      if (y > MAX_CALENDAR_YEAR) return undefined;
      if (!year(y)) {
        [y, mo, d, h, m, s] = [y + 1, 1, 1, 0, 0, 0];
        dstOffset = 0;
        continue outer;
      }
      while (!month(mo)) {
        [mo, d, h, m, s] = [mo + 1, 1, 0, 0, 0];
        dstOffset = 0;
        if (mo > 12) continue outer;
      }
      // Weekday of the resolved instant, not of the civil date: they differ when the wall
      // time falls in a gap that crosses midnight, and the server uses the former.
      while (!dayOfMonth(d) || !dayOfWeek(wallOf(zone, date(y, mo, d, h, m, s)).weekday)) {
        [d, h, m, s] = [d + 1, 0, 0, 0];
        dstOffset = 0;
        if (d > daysInMonth(mo, y)) continue outer;
      }
      while (!hour(h)) {
        [h, m, s] = [h + 1, 0, 0];
        dstOffset = 0;
        if (h >= 24) continue outer;
      }
      while (!minute(m)) {
        [m, s] = [m + 1, 0];
        if (m >= 60) continue outer;
      }
      while (!second(s)) {
        s++;
        if (s >= 60) continue outer;
      }
      const found = date(y, mo, d, h, m, s);
      // A wall time inside a spring-forward gap resolves to a different hour: skip it.
      if (wallOf(zone, found).hour !== h) {
        [h, m, s] = [h + 1, 0, 0];
        continue outer;
      }
      return found + dstOffset;
    }
  };

  return { matches: (ms) => matchesWall(wallOf(zone, ms)), next, matchesWall };
}

/**
 * The earliest time strictly after `after` (at one-second resolution) that matches `c` in
 * `timeZone`, computed as the Temporal server does, or undefined if there is none up to
 * {@link MAX_CALENDAR_YEAR}. Across daylight-saving transitions this reproduces the server:
 * wall times in a spring-forward gap are skipped (or, for a partial-hour gap, may fire later
 * in the same hour); wall times that occur twice may fire once or twice depending on the zone
 * and the calendar (see `dstWarnings`).
 * @throws {TimeZoneError} for an unknown zone.
 */
export function nextCalendarTime(c: CalendarFields, after: Date, timeZone: string): Date | undefined {
  const next = compileCalendar(c, timeZone).next(after.getTime());
  return next === undefined ? undefined : new Date(next);
}

/**
 * Whether the instant (truncated to the second) matches `c` in `timeZone`; this is how the
 * server tests skip (exclude) calendars.
 * @throws {TimeZoneError} for an unknown zone.
 */
export function calendarMatches(c: CalendarFields, at: Date, timeZone: string): boolean {
  return compileCalendar(c, timeZone).matches(at.getTime());
}
