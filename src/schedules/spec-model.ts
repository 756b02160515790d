/**
 * Reading schedule specs back: the SDK's calendar specs (as built or as `describe()` returns
 * them) converted to our calendar model, for fire-time math, summaries, and comparing meaning.
 * The server turns cron strings into structured calendars and may write ranges differently
 * from how we sent them, so specs are compared by the set of values each field matches.
 */
// The SDK's schedule types module alone: its index would load gRPC and protobuf into `validate`.
import {
  DAYS_OF_WEEK,
  MONTHS,
  type CalendarSpec,
  type CalendarSpecDescription,
  type ScheduleSpec,
  type ScheduleSpecDescription,
} from '@temporalio/client/lib/schedule-types';
import { describeCalendar, type CalendarFields, type Range, type SpecModel } from '../calendar';
import { formatDuration, msOf } from '../duration';

type AnyCalendar = CalendarSpec | CalendarSpecDescription;
type Loose = unknown;

const BOUNDS = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [0, 6],
  year: [0, 0],
} as const;

type Field = keyof typeof BOUNDS;
const FIELDS = Object.keys(BOUNDS) as Field[];
// Fields a CalendarSpec leaves out default to 0 (second, minute, hour) or to every value.
const DEFAULT_ZERO: readonly Field[] = ['second', 'minute', 'hour'];

function valueOf(field: Field, v: unknown): number {
  if (typeof v === 'number') return field === 'dayOfWeek' ? v % 7 : v;
  if (field === 'month') return MONTHS.indexOf(v as (typeof MONTHS)[number]) + 1;
  if (field === 'dayOfWeek') return DAYS_OF_WEEK.indexOf(v as (typeof DAYS_OF_WEEK)[number]);
  return Number(v);
}

function rangesOf(field: Field, input: Loose): Range[] {
  const [min, max] = BOUNDS[field];
  if (input === undefined) {
    if (field === 'year') return [];
    return DEFAULT_ZERO.includes(field)
      ? [{ start: 0, end: 0, step: 1 }]
      : [{ start: min, end: max, step: 1 }];
  }
  if (input === '*') return field === 'year' ? [] : [{ start: min, end: max, step: 1 }];
  const items = Array.isArray(input) ? (input as unknown[]) : [input];
  return items.map((item) => {
    if (typeof item === 'object' && item !== null && 'start' in item) {
      const r = item as { start: unknown; end?: unknown; step?: unknown };
      const start = valueOf(field, r.start);
      const end = r.end === undefined ? start : valueOf(field, r.end);
      const step = typeof r.step === 'number' && r.step > 0 ? r.step : 1;
      return { start, end: end < start ? start : end, step };
    }
    const v = valueOf(field, item);
    return { start: v, end: v, step: 1 };
  });
}

/** Converts an SDK calendar spec (built or described) to our calendar model. */
export function calendarFieldsOf(c: AnyCalendar): CalendarFields {
  const loose = c as Record<Field, Loose> & { comment?: string };
  const fields = Object.fromEntries(FIELDS.map((f) => [f, rangesOf(f, loose[f])])) as Record<Field, Range[]>;
  return { ...fields, ...(loose.comment ? { comment: loose.comment } : {}) };
}

function expand(ranges: Range[]): number[] {
  const values = new Set<number>();
  for (const r of ranges) for (let v = r.start; v <= r.end; v += r.step) values.add(v);
  return [...values].sort((a, b) => a - b);
}

/** The meaning of a calendar: the sorted values each field matches (`*` for any year). */
export function calendarMeaning(c: AnyCalendar): string {
  const f = calendarFieldsOf(c);
  return FIELDS.map((name) =>
    name === 'year' && f.year.length === 0 ? 'year=*' : `${name}=${expand(f[name]).join(',')}`,
  ).join(' ');
}

/** The meaning of a list of calendars (their union): sorted meanings. */
export function calendarsMeaning(list: readonly AnyCalendar[] | undefined): string[] {
  return (list ?? []).map(calendarMeaning).sort();
}

/**
 * The meaning of a whole spec, as a plain object with one entry per spec field, for comparing
 * a built spec with a described one.
 */
export function specMeaning(spec: ScheduleSpec | ScheduleSpecDescription): Record<string, unknown> {
  const s = spec as ScheduleSpec;
  return {
    calendars: calendarsMeaning(s.calendars),
    intervals: (s.intervals ?? []).map((i) => `every=${msOf(i.every)} offset=${msOf(i.offset ?? 0)}`).sort(),
    skip: calendarsMeaning(s.skip),
    timezone: s.timezone ?? 'UTC',
    jitter: msOf(s.jitter ?? 0),
    startAt: s.startAt?.toISOString(),
    endAt: s.endAt?.toISOString(),
  };
}

/** The fire-time model of a spec, for `nextFireTime`/`fireTimesBetween`. */
export function specModelOf(spec: ScheduleSpec | ScheduleSpecDescription): SpecModel {
  const s = spec as ScheduleSpec;
  return {
    calendars: (s.calendars ?? []).map(calendarFieldsOf),
    intervals: (s.intervals ?? []).map((i) => ({ everyMs: msOf(i.every), offsetMs: msOf(i.offset ?? 0) })),
    skip: (s.skip ?? []).map(calendarFieldsOf),
    timeZone: s.timezone ?? 'UTC',
    ...(s.startAt ? { startAt: s.startAt } : {}),
    ...(s.endAt ? { endAt: s.endAt } : {}),
  };
}

/** A one-line human summary of a spec, e.g. `at 02:00 every day; every 15m`. */
export function specSummary(spec: ScheduleSpec | ScheduleSpecDescription): string {
  const model = specModelOf(spec);
  const parts = [
    ...model.calendars.map(describeCalendar),
    ...model.intervals.map(
      (i) => `every ${formatDuration(i.everyMs)}${i.offsetMs ? ` +${formatDuration(i.offsetMs)}` : ''}`,
    ),
  ];
  if (model.skip.length > 0) parts.push(`skip ${model.skip.length} calendar(s)`);
  return parts.join('; ') || '(none)';
}
