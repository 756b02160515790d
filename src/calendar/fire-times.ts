/**
 * Nominal fire times of a whole schedule spec, mirroring Temporal server v1.29.1
 * (`service/worker/scheduler/spec.go`, `GetNextTime`): the earliest of all calendars and
 * intervals, minus times matched by a skip calendar, within the start and end bounds.
 * Jitter is deliberately absent: these are the times before jitter is added.
 */
import { compileCalendar, daysInMonth, MAX_CALENDAR_YEAR, type CompiledCalendar } from './calendar.js';
import type { CalendarFields, Range } from './cron.js';
import { formatFireTime } from '../rfc3339';

/** The parts of a schedule spec that decide its nominal fire times. */
export interface SpecModel {
  calendars: CalendarFields[];
  /**
   * Fire at every instant `t` with `(t - offsetMs) % everyMs == 0` counted from the Unix
   * epoch in UTC, whatever the time zone. The server works in whole seconds: both values are
   * truncated to seconds, `everyMs` must be at least 1000 and `0 <= offsetMs < everyMs`.
   */
  intervals: { everyMs: number; offsetMs: number }[];
  /** Times matching any of these, evaluated in `timeZone`, do not fire. */
  skip: CalendarFields[];
  timeZone: string;
  /** Inclusive. */
  startAt?: Date;
  /** Inclusive. */
  endAt?: Date;
}

/** A spec the server would reject, or one whose fire times cannot be found. */
export class SpecError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpecError';
  }
}

// Bounds the search when skip calendars exclude candidate after candidate. The server would
// keep looking until 2100; we stop instead of hanging (5M is far above any real need, e.g.
// a one-second interval skipping whole weekends needs 172,800).
const MAX_SKIPPED_CANDIDATES = 5_000_000;

interface CompiledSpec {
  next(afterMs: number): number | undefined;
}

function compileSpec(spec: SpecModel): CompiledSpec {
  const intervals = spec.intervals.map(({ everyMs, offsetMs }, i) => {
    if (!Number.isFinite(everyMs) || everyMs < 1000) {
      throw new SpecError(`intervals[${i}]: every ${everyMs}ms is below the minimum of 1 second`);
    }
    if (!Number.isFinite(offsetMs) || offsetMs < 0 || offsetMs >= everyMs) {
      throw new SpecError(
        `intervals[${i}]: offset ${offsetMs}ms must be at least 0 and less than ${everyMs}ms`,
      );
    }
    return { every: Math.trunc(everyMs / 1000), phase: Math.trunc(offsetMs / 1000) };
  });
  const calendars: CompiledCalendar[] = spec.calendars.map((c) => compileCalendar(c, spec.timeZone));
  const skips: CompiledCalendar[] = spec.skip.map((c) => compileCalendar(c, spec.timeZone));
  const startBound = (spec.startAt?.getTime() ?? 0) - 1000;
  const end = spec.endAt?.getTime();

  const rawNext = (after: number): number | undefined => {
    let min = Infinity;
    for (const cal of calendars) {
      const next = cal.next(after);
      if (next !== undefined) min = Math.min(min, Math.floor(next / 1000));
    }
    const ts = Math.floor(after / 1000);
    for (const { every, phase } of intervals) {
      // Go's integer division truncates toward zero; kept for parity before the epoch.
      min = Math.min(min, (Math.trunc((ts - phase) / every) + 1) * every + phase);
    }
    return min === Infinity ? undefined : min * 1000;
  };

  return {
    next(afterMs) {
      // Starting before the allowed range: jump to just before it so its first second can match.
      let after = Math.max(afterMs, startBound);
      for (let skipped = 0; ; skipped++) {
        const nominal = rawNext(after);
        if (nominal === undefined) return undefined;
        if ((end !== undefined && nominal > end) || new Date(nominal).getUTCFullYear() > MAX_CALENDAR_YEAR) {
          return undefined;
        }
        if (!skips.some((s) => s.matches(nominal))) return nominal;
        if (skipped >= MAX_SKIPPED_CANDIDATES) {
          throw new SpecError(
            `skip calendars excluded ${skipped} consecutive candidate times after ${formatFireTime(new Date(afterMs))}`,
          );
        }
        after = nominal;
      }
    },
  };
}

/**
 * The first nominal fire time strictly after `after`, as the Temporal server computes it, or
 * undefined if the schedule never fires again (past `endAt` or the year 2100).
 * @throws {SpecError} for an interval the server would reject.
 * @throws {TimeZoneError} for an unknown time zone.
 */
export function nextFireTime(spec: SpecModel, after: Date): Date | undefined {
  const next = compileSpec(spec).next(after.getTime());
  return next === undefined ? undefined : new Date(next);
}

/**
 * The nominal fire times `t` with `from <= t < to`, in order, at most `limit` of them. Each
 * is found from the previous one, as the server walks a schedule.
 * @default limit Infinity
 * @throws {SpecError} for an interval the server would reject.
 * @throws {TimeZoneError} for an unknown time zone.
 */
export function fireTimesBetween(spec: SpecModel, from: Date, to: Date, limit = Infinity): Date[] {
  const compiled = compileSpec(spec);
  const end = to.getTime();
  const times: Date[] = [];
  // Fire times are whole seconds, and "after" is truncated to the second: starting 1ms
  // before `from` makes `from` itself eligible.
  let after = from.getTime() - 1;
  while (times.length < limit) {
    const next = compiled.next(after);
    if (next === undefined || next >= end) break;
    times.push(new Date(next));
    after = next;
  }
  return times;
}

const ALL_DAY = {
  second: [{ start: 0, end: 59, step: 1 }],
  minute: [{ start: 0, end: 59, step: 1 }],
  hour: [{ start: 0, end: 23, step: 1 }],
} as const;

const range = (start: number, end: number): Range[] => [{ start, end, step: 1 }];

function wholeDays(years: Range[], months: Range[], days: Range[], comment: string): CalendarFields {
  return {
    second: [...ALL_DAY.second],
    minute: [...ALL_DAY.minute],
    hour: [...ALL_DAY.hour],
    dayOfMonth: days,
    month: months,
    dayOfWeek: range(0, 6),
    year: years,
    comment,
  };
}

/** Saturday and Sunday, all day, in the schedule's time zone. */
export const WEEKENDS: CalendarFields = {
  ...wholeDays([], range(1, 12), range(1, 31), 'weekends'),
  dayOfWeek: [
    { start: 0, end: 0, step: 1 },
    { start: 6, end: 6, step: 1 },
  ],
};

function parseDate(text: string, what: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [y, m, d] = (match ?? []).slice(1).map(Number);
  if (
    y === undefined ||
    m === undefined ||
    d === undefined ||
    m < 1 ||
    m > 12 ||
    d < 1 ||
    d > daysInMonth(m, y)
  ) {
    throw new SpecError(`skip date ${what} "${text}" is not a valid date (expected YYYY-MM-DD)`);
  }
  if (y < 2000 || y > MAX_CALENDAR_YEAR) {
    throw new SpecError(`skip date ${what} "${text}" is outside the years Temporal accepts (2000-2100)`);
  }
  return { y, m, d };
}

/**
 * Skip calendars matching whole days (in the schedule's time zone) for inclusive date ranges
 * `YYYY-MM-DD`. A range crossing month or year ends becomes several calendars.
 * @throws {SpecError} for an invalid date, a year outside 2000-2100, or `to` before `from`.
 */
export function skipDates(dates: { from: string; to: string }[]): CalendarFields[] {
  const calendars: CalendarFields[] = [];
  for (const { from, to } of dates) {
    const a = parseDate(from, 'from');
    const b = parseDate(to, 'to');
    if (b.y * 10_000 + b.m * 100 + b.d < a.y * 10_000 + a.m * 100 + a.d) {
      throw new SpecError(`skip dates ${from} to ${to}: the end is before the start`);
    }
    const comment = from === to ? `skip ${from}` : `skip ${from} to ${to}`;
    const add = (years: Range[], months: Range[], days: Range[]): void => {
      calendars.push(wholeDays(years, months, days, comment));
    };
    if (a.y === b.y && a.m === b.m) {
      add(range(a.y, a.y), range(a.m, a.m), range(a.d, b.d));
      continue;
    }
    // Whole months from (y1, m1) to (y2, m2) inclusive lie between a partial first month and
    // a partial last month.
    let [y1, m1] = [a.y, a.m];
    if (a.d > 1) {
      add(range(a.y, a.y), range(a.m, a.m), range(a.d, 31));
      [y1, m1] = a.m === 12 ? [a.y + 1, 1] : [a.y, a.m + 1];
    }
    let [y2, m2] = [b.y, b.m];
    const tail = b.d < daysInMonth(b.m, b.y);
    if (tail) [y2, m2] = b.m === 1 ? [b.y - 1, 12] : [b.y, b.m - 1];
    if (y1 * 12 + m1 <= y2 * 12 + m2) {
      if (y1 === y2) {
        add(range(y1, y1), range(m1, m2), range(1, 31));
      } else {
        const fullFrom = m1 === 1 ? y1 : y1 + 1;
        const fullTo = m2 === 12 ? y2 : y2 - 1;
        if (m1 !== 1) add(range(y1, y1), range(m1, 12), range(1, 31));
        if (fullFrom <= fullTo) add(range(fullFrom, fullTo), range(1, 12), range(1, 31));
        if (m2 !== 12) add(range(y2, y2), range(1, m2), range(1, 31));
      }
    }
    if (tail) add(range(b.y, b.y), range(b.m, b.m), range(1, b.d));
  }
  return calendars;
}
