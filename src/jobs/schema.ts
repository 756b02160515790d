/**
 * The jobs file schema (YAML, validated with zod). Types are inferred from the schema, so the
 * schema is the single definition of what a jobs file may say.
 */
import { z } from 'zod';
import { CronError, isValidTimeZone, parseCron, skipDates, SpecError } from '../calendar';
import type { JobTypeRegistry } from '../job-types/registry';
import { impossibleField } from '../rfc3339';
import { parseDuration } from '../duration';
import { PROJECT_PATTERN, PROJECT_PATTERN_TEXT } from './project';
import { duration, strictObject } from './zod-helpers';
import { stepOverridesSchema, unknownStepIssues } from './step-overrides';

/** Job id pattern: also the schedule id and the prefix of every run's workflow id. */
export const JOB_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Calendar name pattern for the file's `calendars:` section. */
export const CALENDAR_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The built-in skip calendar: Saturday and Sunday in the schedule's timezone. */
export const BUILTIN_WEEKENDS = 'weekends';

/** Overlap policies as the jobs file spells them. */
export const OVERLAP_POLICIES = [
  'skip',
  'buffer-one',
  'buffer-all',
  'cancel-other',
  'terminate-other',
  'allow-all',
] as const;

/** One overlap policy of {@link OVERLAP_POLICIES}. */
export type OverlapPolicyName = (typeof OVERLAP_POLICIES)[number];

/**
 * Largest `input:` of one job, as JSON. Temporal rejects a payload over 2 MiB (and warns above
 * 512 KiB); the input travels in the schedule and in every run's history, so it stays well below.
 */
export const MAX_INPUT_BYTES = 256 * 1024;

/** Longest `description` and `note` (characters). */
export const MAX_TEXT_LENGTH = 4096;

/** Minimum catch-up window Temporal accepts. */
export const MIN_CATCHUP_WINDOW_MS = 10_000;

const timezone = z.string({ error: 'must be an IANA timezone name such as UTC' }).superRefine((tz, ctx) => {
  if (!isValidTimeZone(tz)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown timezone '${tz}' (use an IANA name such as UTC, Europe/Berlin, America/New_York)`,
    });
  }
});

const cronString = z
  .string({ error: 'must be a cron string such as "0 2 * * *"' })
  .superRefine((expr, ctx) => {
    try {
      parseCron(expr);
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
      ctx.addIssue({ code: 'custom', message: `'${expr}': ${err.message}` });
    }
  });

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const instant = z
  .string({ error: 'must be an RFC 3339 time such as 2026-01-01T00:00:00Z' })
  .superRefine((text, ctx) => {
    const impossible = RFC3339.test(text) ? impossibleField(text) : undefined;
    if (impossible !== undefined) {
      ctx.addIssue({ code: 'custom', message: `'${text}' is not a real time: ${impossible}` });
    } else if (!RFC3339.test(text) || Number.isNaN(Date.parse(text))) {
      ctx.addIssue({
        code: 'custom',
        message: `'${text}' is not an RFC 3339 time with a zone, e.g. 2026-01-01T00:00:00Z`,
      });
    }
  });

const overlap = z.enum(OVERLAP_POLICIES, {
  error: (issue) =>
    `unknown overlap policy ${JSON.stringify(issue.input)} (valid: ${OVERLAP_POLICIES.join(', ')})`,
});
const catchupWindow = duration({ ms: MIN_CATCHUP_WINDOW_MS, label: '10s' });
const pauseOnFailure = z.boolean({ error: 'must be true or false' });
const jitter = duration();

/** A date or an inclusive date range of a named calendar. */
const calendarEntry = z
  .union(
    [
      z.string(),
      strictObject({
        from: z.string({ error: 'must be a date YYYY-MM-DD' }),
        to: z.string({ error: 'must be a date YYYY-MM-DD' }),
      }),
    ],
    { error: 'must be a date YYYY-MM-DD or {from: YYYY-MM-DD, to: YYYY-MM-DD}' },
  )
  .superRefine((entry, ctx) => {
    const range = typeof entry === 'string' ? { from: entry, to: entry } : entry;
    try {
      skipDates([range]);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
    }
  });

/** The file's `defaults:` section; every field may also be set per job. */
export const defaultsSchema = strictObject({
  timezone: timezone.optional(),
  overlap: overlap.optional(),
  catchupWindow: catchupWindow.optional(),
  pauseOnFailure: pauseOnFailure.optional(),
  jitter: jitter.optional(),
});

/** A job's schedule: `cron` (one string or a list) or `every` (with optional `offset`). */
export const scheduleSchema = strictObject({
  cron: z.union([cronString, z.array(cronString).min(1, 'needs at least one cron string')]).optional(),
  every: duration({ ms: 1_000, label: '1s' }).optional(),
  offset: duration().optional(),
  timezone: timezone.optional(),
  skip: z.array(z.string({ error: 'must be a calendar name' })).optional(),
  jitter: jitter.optional(),
  startAt: instant.optional(),
  endAt: instant.optional(),
}).superRefine((s, ctx) => {
  if (s.cron === undefined && s.every === undefined) {
    ctx.addIssue({ code: 'custom', message: 'needs either cron or every' });
  }
  if (s.cron !== undefined && s.every !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'has both cron and every; use one' });
  }
  if (s.offset !== undefined && s.every === undefined) {
    ctx.addIssue({ code: 'custom', path: ['offset'], message: 'offset applies only with every' });
  }
  if (s.offset !== undefined && s.every !== undefined) {
    const [off, every] = [parseDuration(s.offset), parseDuration(s.every)];
    if (off !== undefined && every !== undefined && off >= every) {
      ctx.addIssue({
        code: 'custom',
        path: ['offset'],
        message: `offset ${s.offset} must be less than every ${s.every}`,
      });
    }
  }
  if (s.startAt !== undefined && s.endAt !== undefined) {
    const [start, end] = [Date.parse(s.startAt), Date.parse(s.endAt)];
    if (end < start) {
      ctx.addIssue({
        code: 'custom',
        path: ['endAt'],
        message: `endAt ${s.endAt} is before startAt ${s.startAt}`,
      });
    }
  }
});

/**
 * One job, its `type` and `input` checked against the job types of `registry`.
 * @param registry the job types the worker pool registers (built-in and `--jobs` modules)
 */
export function jobSchemaFor(registry: JobTypeRegistry) {
  return strictObject({
    id: z
      .string({ error: 'must be a string' })
      .regex(JOB_ID_PATTERN, 'must match [a-z0-9][a-z0-9-]{0,62} (lowercase letters, digits, dashes)'),
    type: z.string({ error: `must be a job type (known: ${registry.names().join(', ')})` }),
    customer: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters'),
    env: z
      .string({ error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters'),
    description: z
      .string({ error: 'must be a string' })
      .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
      .optional(),
    schedule: scheduleSchema,
    overlap: overlap.optional(),
    catchupWindow: catchupWindow.optional(),
    pauseOnFailure: pauseOnFailure.optional(),
    input: z.record(z.string(), z.unknown(), { error: 'must be a mapping' }).default({}),
    steps: stepOverridesSchema.optional(),
    paused: z.boolean({ error: 'must be true or false' }).optional(),
    note: z
      .string({ error: 'must be a string' })
      .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
      .optional(),
  }).superRefine((job, ctx) => {
    let inputBytes: number;
    try {
      inputBytes = Buffer.byteLength(JSON.stringify(job.input), 'utf8');
    } catch {
      // JSON.stringify throws only for a cycle, which YAML aliases can make.
      ctx.addIssue({ code: 'custom', path: ['input'], message: 'refers to itself through a YAML alias' });
      return;
    }
    const inputTooBig = inputBytes > MAX_INPUT_BYTES;
    if (inputTooBig) {
      ctx.addIssue({
        code: 'custom',
        path: ['input'],
        message:
          `job '${job.id}': input is ${formatBytes(inputBytes)} as JSON; the limit is ${formatBytes(MAX_INPUT_BYTES)} ` +
          `(Temporal rejects payloads over 2 MiB): keep large data elsewhere and pass a reference`,
      });
    }
    const type = registry.get(job.type);
    if (!type) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `unknown job type '${job.type}' (known: ${registry.names().join(', ')}); a job type of your own loads with --jobs <module or folder>`,
      });
      return;
    }
    const parsed = inputTooBig ? undefined : type.input.safeParse(job.input);
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['input', ...issue.path], message: issue.message });
      }
    }
    for (const issue of unknownStepIssues(type, job.steps ?? {})) ctx.addIssue({ code: 'custom', ...issue });
  });
}

/** Formats a byte count as `256 KiB` or `2.1 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

const fileSchemas = new WeakMap<JobTypeRegistry, ReturnType<typeof buildFileSchema>>();

/**
 * The whole file, its jobs checked against the job types of `registry` (built once per registry).
 */
export function jobsFileSchemaFor(registry: JobTypeRegistry): ReturnType<typeof buildFileSchema> {
  let schema = fileSchemas.get(registry);
  if (!schema) fileSchemas.set(registry, (schema = buildFileSchema(registry)));
  return schema;
}

function buildFileSchema(registry: JobTypeRegistry) {
  return strictObject({
    version: z.literal(1, { error: 'must be 1' }).default(1),
    /** The project owning the file's schedules; derived from the file name when absent. */
    project: z
      .string({ error: `must be a string matching ${PROJECT_PATTERN_TEXT}` })
      .regex(PROJECT_PATTERN, `must match ${PROJECT_PATTERN_TEXT}`)
      .optional(),
    defaults: defaultsSchema.optional(),
    calendars: z
      .record(
        z.string().regex(CALENDAR_NAME_PATTERN, 'calendar names must match [a-z0-9][a-z0-9_-]{0,62}'),
        z.array(calendarEntry, { error: 'must be a list of dates or {from, to} ranges' }),
        { error: 'must be a mapping of calendar names to lists of dates' },
      )
      .optional(),
    jobs: z.array(jobSchemaFor(registry), { error: 'must be a list of jobs' }),
  }).superRefine((file, ctx) => {
    const calendars = file.calendars ?? {};
    if (BUILTIN_WEEKENDS in calendars) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendars', BUILTIN_WEEKENDS],
        message: `'${BUILTIN_WEEKENDS}' is built in; choose another name`,
      });
    }
    const known = [BUILTIN_WEEKENDS, ...Object.keys(calendars)];
    const seen = new Map<string, number>();
    file.jobs.forEach((job, index) => {
      const first = seen.get(job.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['jobs', index, 'id'],
          message: `duplicate id '${job.id}' (also jobs[${first}])`,
        });
      } else {
        seen.set(job.id, index);
      }
      (job.schedule.skip ?? []).forEach((name, i) => {
        if (!known.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['jobs', index, 'schedule', 'skip', i],
            message: `unknown calendar '${name}' (known: ${known.join(', ')})`,
          });
        }
      });
    });
  });
}

/** A validated jobs file. */
export type JobsFile = Omit<z.output<ReturnType<typeof buildFileSchema>>, 'jobs'> & { jobs: Job[] };
/**
 * A validated job; after loading, its timezone, jitter and policies are filled from `defaults`,
 * and `workflowType` from its job type.
 */
export type Job = z.output<ReturnType<typeof jobSchemaFor>> & {
  /** Temporal workflow type of the job's runs (set by the loader from the job type). */
  workflowType?: string;
};
/** A validated schedule. */
export type JobSchedule = z.output<typeof scheduleSchema>;
/** Named skip calendars of a file: each entry a date or an inclusive date range. */
export type Calendars = NonNullable<JobsFile['calendars']>;
