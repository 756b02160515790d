/**
 * Turning a validated job into Temporal Schedule options. Cron strings are parsed here into
 * structured calendar specs (our 6-field form has leading seconds; Temporal's has a trailing year),
 * so the server receives exactly the meaning we validated.
 */
// The SDK's schedule types module alone: its index would load gRPC and protobuf into `validate`.
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
} from '@temporalio/client/lib/schedule-types';
import type { SearchAttributePair } from '@temporalio/common';
// From the keys' own module: '../search-attributes' would load the Temporal client into `validate`.
import {
  CUSTOMER,
  ENV,
  JOB_ID,
  JOB_TYPE,
  MANAGED_BY,
  MANAGED_BY_VALUE,
} from '../../workflows/search-attributes';
import { parseCron, skipDates, WEEKENDS, type CalendarFields, type Range } from '../calendar';
import type { JobRunInput } from '../types';
import { parseDuration } from '../duration';
import { BUILTIN_WEEKENDS, type Calendars, type Job, type OverlapPolicyName } from '../jobs/schema';
import { toStepOverrides } from '../jobs/step-overrides';
import { DurableCronError } from '../errors';

/** The timezone a schedule uses when the job names none. */
export const DEFAULT_TIMEZONE = 'UTC';

/** The catch-up window when neither the job nor `defaults` sets one: Temporal's own default. */
export const DEFAULT_CATCHUP_WINDOW = '365d';

/**
 * The overlap policy of a job that states none: every fire starts its own run at once, even while
 * an earlier run is still open (slow, or its worker died and a step waits for a retry). Each run
 * has its own workflow id `<jobId>-<fire time>`, so concurrent runs never collide, and no fire is
 * dropped or delayed behind another. `buffer-all` also keeps every fire, but runs them one after
 * the other, so one stalled run delays every later fire (measured in docs/reliability.md).
 */
export const DEFAULT_OVERLAP: OverlapPolicyName = 'allow-all';

/**
 * How long a run's workflow task may take before the server hands it to another worker. A task
 * sent to a worker process that just died (or is frozen) waits this long: shorter than Temporal's
 * 10 s default, and still far above what a task takes (milliseconds).
 */
export const WORKFLOW_TASK_TIMEOUT = '5s';

/** Overlap policies under which a fire that comes while a run is open never runs. */
export const DROPPING_OVERLAP_POLICIES: ReadonlySet<OverlapPolicyName> = new Set(['skip', 'buffer-one']);

/** The SDK's overlap policy for each jobs-file spelling. */
export const OVERLAP_POLICY: Record<OverlapPolicyName, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

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

/** The cron strings of a job's schedule, as a list. */
export function cronsOf(job: Job): string[] {
  const { cron } = job.schedule;
  return cron === undefined ? [] : Array.isArray(cron) ? cron : [cron];
}

/**
 * The skip calendars of a job: `weekends` is built in, other names come from the file's
 * `calendars:` (the schema has checked that every name exists).
 */
export function skipCalendarsFor(job: Job, calendars: Calendars = {}): CalendarFields[] {
  return (job.schedule.skip ?? []).flatMap((name) => {
    if (name === BUILTIN_WEEKENDS) return [WEEKENDS];
    const entries = calendars[name];
    if (!entries) throw new DurableCronError(`job '${job.id}': unknown calendar '${name}'`);
    return skipDates(entries.map((e) => (typeof e === 'string' ? { from: e, to: e } : e))).map((c) => ({
      ...c,
      comment: `${name}: ${c.comment ?? ''}`,
    }));
  });
}

/** The schedule spec of a job; `calendars` are the file's named skip calendars. */
export function scheduleSpecFor(job: Job, calendars: Calendars = {}): ScheduleSpec {
  const s = job.schedule;
  const spec: ScheduleSpec = {
    calendars: cronsOf(job).map((c) => toSdkCalendar(parseCron(c))),
    timezone: s.timezone ?? DEFAULT_TIMEZONE,
  };
  if (s.every !== undefined) {
    spec.intervals = [
      { every: mustDuration(s.every), offset: s.offset === undefined ? 0 : mustDuration(s.offset) },
    ];
  }
  const skip = skipCalendarsFor(job, calendars);
  if (skip.length > 0) spec.skip = skip.map(toSdkCalendar);
  spec.jitter = s.jitter === undefined ? 0 : mustDuration(s.jitter);
  if (s.startAt !== undefined) spec.startAt = new Date(s.startAt);
  if (s.endAt !== undefined) spec.endAt = new Date(s.endAt);
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

/**
 * Full options to create the job's schedule on `taskQueue`; `calendars` are the file's named
 * skip calendars. `state` holds what the file says (paused defaults to false on create).
 */
export function scheduleOptionsFor(job: Job, taskQueue: string, calendars: Calendars = {}): ScheduleOptions {
  const workflowType = job.workflowType;
  if (workflowType === undefined) {
    throw new DurableCronError(
      `job '${job.id}': job type '${job.type}' was not resolved (load the jobs file first)`,
    );
  }
  return {
    scheduleId: job.id,
    spec: scheduleSpecFor(job, calendars),
    action: {
      type: 'startWorkflow',
      workflowType,
      // Temporal appends the nominal fire time: runs are named `<jobId>-<RFC 3339 fire time>`.
      workflowId: job.id,
      taskQueue,
      args: [runInputFor(job)],
      typedSearchAttributes: runSearchAttributes(job),
      workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
      // The memo of a schedule cannot be updated; the action's memo can, and runs carry it.
      ...(job.description === undefined ? {} : { memo: { description: job.description } }),
    },
    policies: {
      overlap: OVERLAP_POLICY[job.overlap ?? DEFAULT_OVERLAP],
      catchupWindow: mustDuration(job.catchupWindow ?? DEFAULT_CATCHUP_WINDOW),
      pauseOnFailure: job.pauseOnFailure ?? false,
    },
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
