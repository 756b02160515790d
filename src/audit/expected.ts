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

/** Nominal fire times in [from, to], both inclusive. */
export function expectedFireTimes(model: SpecModel, from: Date, to: Date, limit = Infinity): Date[] {
  return fireTimesBetween(model, from, new Date(to.getTime() + 1), limit);
}
