/**
 * Turning a validated job into Temporal Schedule options. Cron strings are parsed here into
 * structured calendar specs (our 6-field form has leading seconds; Temporal's has a trailing year),
 * so the server receives exactly the meaning we validated.
 */
import {
  DAYS_OF_WEEK,
  MONTHS,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type DayOfWeek,
  type Month,
  type Range as SdkRange,
  type ScheduleOptions,
  type ScheduleSpec,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { JOB_TYPES } from '../job-types/registry';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE, MANAGED_BY, MANAGED_BY_VALUE } from '../search-attributes';
import { parseCron, type CalendarFields, type Range } from '../spec';
import type { JobRunInput } from '../types';
import { parseDuration } from '../jobs/duration';
import type { Job } from '../jobs/schema';
import { toStepOverrides } from '../jobs/step-overrides';
import { DurableCronError } from '../errors';

/** The timezone a schedule uses when the job names none. */
export const DEFAULT_TIMEZONE = 'UTC';

/** Converts parsed calendar fields to the SDK's calendar spec. */
export function toSdkCalendar(fields: CalendarFields): CalendarSpec {
  const numeric = (ranges: Range[]): SdkRange<number>[] =>
    ranges.map((r) => ({ start: r.start, end: r.end, step: r.step }));
  const spec: CalendarSpec = {
    second: numeric(fields.second),
    minute: numeric(fields.minute),
    hour: numeric(fields.hour),
    dayOfMonth: numeric(fields.dayOfMonth),
    month: fields.month.map((r) => ({ start: monthName(r.start), end: monthName(r.end), step: r.step })),
    dayOfWeek: fields.dayOfWeek.map((r) => ({ start: dayName(r.start), end: dayName(r.end), step: r.step })),
    year: fields.year.length === 0 ? '*' : numeric(fields.year),
  };
  if (fields.comment) spec.comment = fields.comment;
  return spec;
}

/** The schedule spec of a job. */
export function scheduleSpecFor(job: Job): ScheduleSpec {
  const s = job.schedule;
  const crons = s.cron === undefined ? [] : Array.isArray(s.cron) ? s.cron : [s.cron];
  const spec: ScheduleSpec = {
    calendars: crons.map((c) => toSdkCalendar(parseCron(c))),
    timezone: s.timezone ?? DEFAULT_TIMEZONE,
  };
  if (s.every !== undefined) {
    spec.intervals = [
      { every: mustDuration(s.every), offset: s.offset === undefined ? 0 : mustDuration(s.offset) },
    ];
  }
  return spec;
}

/** The input the job's workflow receives on every scheduled run. */
export function runInputFor(job: Job): JobRunInput {
  return {
    jobId: job.id,
    customer: job.customer,
    env: job.env,
    timezone: job.schedule.timezone ?? DEFAULT_TIMEZONE,
    input: job.input,
    ...(job.steps ? { steps: toStepOverrides(job.steps) } : {}),
  };
}

/** Typed search attributes every run of the job carries. */
export function runSearchAttributes(job: Job): SearchAttributePair[] {
  return [
    { key: CUSTOMER, value: job.customer },
    { key: ENV, value: job.env },
    { key: JOB_ID, value: job.id },
    { key: JOB_TYPE, value: job.type },
  ];
}

/** Full options to create the job's schedule on `taskQueue`. */
export function scheduleOptionsFor(job: Job, taskQueue: string): ScheduleOptions {
  const type = JOB_TYPES.get(job.type);
  if (!type) throw new DurableCronError(`job '${job.id}': unknown job type '${job.type}'`);
  return {
    scheduleId: job.id,
    spec: scheduleSpecFor(job),
    action: {
      type: 'startWorkflow',
      workflowType: type.workflowType,
      // Temporal appends the nominal fire time: runs are named `<jobId>-<RFC 3339 fire time>`.
      workflowId: job.id,
      taskQueue,
      args: [runInputFor(job)],
      typedSearchAttributes: runSearchAttributes(job),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    state: { paused: job.paused ?? false, note: job.note },
    typedSearchAttributes: [
      { key: CUSTOMER, value: job.customer },
      { key: ENV, value: job.env },
      { key: JOB_TYPE, value: job.type },
      { key: MANAGED_BY, value: MANAGED_BY_VALUE },
    ],
  };
}

function monthName(n: number): Month {
  const name = MONTHS[n - 1];
  if (!name) throw new DurableCronError(`month ${n} is out of range 1-12`);
  return name;
}

function dayName(n: number): DayOfWeek {
  const name = DAYS_OF_WEEK[n % 7];
  if (!name) throw new DurableCronError(`day of week ${n} is out of range 0-7`);
  return name;
}

function mustDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new DurableCronError(`'${text}' is not a duration`);
  return ms;
}
