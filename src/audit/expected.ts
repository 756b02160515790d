/**
 * The fire times a schedule should have produced, computed from the spec `describe()` returns
 * (cron strings come back as structured calendars) with src/spec, which mirrors the server.
 */
import {
  DAYS_OF_WEEK,
  MONTHS,
  type CalendarSpecDescription,
  type Range as SdkRange,
  type ScheduleSpecDescription,
} from '@temporalio/client';
import { fireTimesBetween, type CalendarFields, type Range, type SpecModel } from '../spec';

/** Converts one described calendar into src/spec's fields (months 1-12, Sunday = 0). */
export function calendarFromDescription(c: CalendarSpecDescription): CalendarFields {
  const numeric = (ranges: SdkRange<number>[]): Range[] =>
    ranges.map((r) => ({ start: r.start, end: Math.max(r.end, r.start), step: Math.max(r.step, 1) }));
  const named = <T extends string>(ranges: SdkRange<T>[], names: readonly T[], base: number): Range[] =>
    ranges.map((r) => {
      const start = names.indexOf(r.start) + base;
      return { start, end: Math.max(names.indexOf(r.end) + base, start), step: Math.max(r.step, 1) };
    });
  const fields: CalendarFields = {
    second: numeric(c.second),
    minute: numeric(c.minute),
    hour: numeric(c.hour),
    dayOfMonth: numeric(c.dayOfMonth),
    month: named(c.month, MONTHS, 1),
    dayOfWeek: named(c.dayOfWeek, DAYS_OF_WEEK, 0),
    year: numeric(c.year),
  };
  if (c.comment) fields.comment = c.comment;
  return fields;
}

/** Converts a described schedule spec into the model src/spec computes fire times from. */
export function specModelFromDescription(spec: ScheduleSpecDescription): SpecModel {
  return {
    calendars: (spec.calendars ?? []).map(calendarFromDescription),
    // The SDK leaves `offset` out of a described interval created without one.
    intervals: (spec.intervals ?? []).map((i) => ({
      everyMs: i.every,
      offsetMs: (i.offset as number | undefined) ?? 0,
    })),
    skip: (spec.skip ?? []).map(calendarFromDescription),
    timeZone: spec.timezone ?? 'UTC',
    startAt: spec.startAt,
    endAt: spec.endAt,
  };
}

/**
 * Nominal fire times in [from, to], both inclusive, at most `limit` of them (the earliest).
 * @default limit Infinity
 */
export function expectedFireTimes(model: SpecModel, from: Date, to: Date, limit = Infinity): Date[] {
  return fireTimesBetween(model, from, new Date(to.getTime() + 1), limit);
}

/** One stretch of an audited window, [start, end] to the millisecond, and its expected fires. */
export interface FireChunk {
  /** Every expected fire in [start, end], in order. */
  readonly fires: Date[];
  /** Last instant of the stretch (inclusive): at or after its start, at or before the window's end. */
  readonly end: Date;
}

/**
 * Where an audit gets its expected fires: given where the next stretch starts and where the window
 * ends (inclusive), the stretch's end and its fires. The audit continues 1 ms after `end` until
 * it passes `to`, so stretches never overlap and together cover the window.
 */
export type FireChunkSource = (start: Date, to: Date) => Promise<FireChunk>;

/**
 * Expected fires computed from the spec here, at most `maxFires` per stretch: a stretch ends at
 * the window's end, or, when the rest of the window holds more fires, 1 ms before the first fire
 * it leaves to the next stretch.
 * @throws {RangeError} when `maxFires` is not a positive integer
 */
export function specFireChunks(model: SpecModel, maxFires: number): FireChunkSource {
  if (!Number.isInteger(maxFires) || maxFires < 1) {
    throw new RangeError(`maxFires must be a positive integer, got ${maxFires}`);
  }
  return (start, to) => {
    const fires = expectedFireTimes(model, start, to, maxFires + 1);
    const next = fires[maxFires];
    if (next === undefined) return Promise.resolve({ fires, end: to });
    return Promise.resolve({ fires: fires.slice(0, maxFires), end: new Date(next.getTime() - 1) });
  };
}
