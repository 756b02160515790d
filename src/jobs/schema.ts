/**
 * The jobs file schema (YAML, validated with zod). Types are inferred from the schema, so the
 * schema is the single definition of what a jobs file may say.
 */
import { z } from 'zod';
import { CronError, isValidTimeZone, parseCron } from '../spec';
import { JOB_TYPES, jobTypeNames } from '../job-types/registry';
import { DURATION_FORMS, parseDuration } from './duration';
import { stepOverridesSchema, unknownStepIssues } from './step-overrides';

/** Job id pattern: also the schedule id and the prefix of every run's workflow id. */
export const JOB_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A strict object whose unknown-key errors list the valid keys. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  const valid = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (valid keys: ${valid})`
        : undefined,
  });
}

const duration = (min?: { ms: number; label: string }) =>
  z.string({ error: `must be a duration: ${DURATION_FORMS}` }).superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined)
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: ${DURATION_FORMS}` });
    else if (min && ms < min.ms)
      ctx.addIssue({ code: 'custom', message: `'${value}' is below the minimum ${min.label}` });
  });

const timezone = z.string().superRefine((tz, ctx) => {
  if (!isValidTimeZone(tz)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown timezone '${tz}' (use an IANA name such as UTC, Europe/Berlin, America/New_York)`,
    });
  }
});

const cronString = z.string().superRefine((expr, ctx) => {
  try {
    parseCron(expr);
  } catch (err) {
    if (!(err instanceof CronError)) throw err;
    ctx.addIssue({ code: 'custom', message: `'${expr}': ${(err as Error).message}` });
  }
});

/** A job's schedule: `cron` (one string or a list) or `every` (with optional `offset`). */
export const scheduleSchema = strictObject({
  cron: z.union([cronString, z.array(cronString).min(1, 'needs at least one cron string')]).optional(),
  every: duration({ ms: 1_000, label: '1s' }).optional(),
  offset: duration().optional(),
  timezone: timezone.optional(),
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
});

/** One job. */
export const jobSchema = strictObject({
  id: z
    .string()
    .regex(JOB_ID_PATTERN, 'must match [a-z0-9][a-z0-9-]{0,62} (lowercase letters, digits, dashes)'),
  type: z.string(),
  customer: z.string().min(1, 'must not be empty'),
  env: z.string().min(1, 'must not be empty'),
  description: z.string().optional(),
  schedule: scheduleSchema,
  input: z.record(z.string(), z.unknown()).default({}),
  steps: stepOverridesSchema.optional(),
  paused: z.boolean().optional(),
  note: z.string().optional(),
}).superRefine((job, ctx) => {
  const type = JOB_TYPES.get(job.type);
  if (!type) {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `unknown job type '${job.type}' (known: ${jobTypeNames().join(', ')})`,
    });
    return;
  }
  const parsed = type.input.safeParse(job.input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['input', ...issue.path], message: issue.message });
    }
  }
  for (const issue of unknownStepIssues(type, job.steps ?? {})) ctx.addIssue({ code: 'custom', ...issue });
});

/** The whole file. */
export const jobsFileSchema = strictObject({
  version: z.literal(1, { error: 'must be 1' }).default(1),
  jobs: z.array(jobSchema),
}).superRefine((file, ctx) => {
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
  });
});

/** A validated jobs file. */
export type JobsFile = z.output<typeof jobsFileSchema>;
/** A validated job. */
export type Job = z.output<typeof jobSchema>;
/** A validated schedule. */
export type JobSchedule = z.output<typeof scheduleSchema>;
