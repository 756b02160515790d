/**
 * Settings of one replica of the classic baseline (in-process cron + Redis lock per fire), and
 * the names both sides of the chaos comparison share: the lock key and the run's workflow ID.
 * The fleet passes the settings to each replica as JSON in `argv[2]`.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { strictObject } from '../../src/jobs/zod-helpers';
import { formatPath } from '../../src/jobs/load';

/** Steps and compensations of the billing saga that a baseline job may fail on purpose. */
export const BASELINE_FAIL_STEPS = [
  'reserveInvoice',
  'chargeCard',
  'sendInvoice',
  'voidInvoice',
  'refundCharge',
] as const;

/** A failure injected into one step of every run of a job (the product's worker `failureInjection`). */
export interface BaselineFailure {
  readonly step: (typeof BASELINE_FAIL_STEPS)[number];
  /** Only `non-retryable`: the baseline runs each step once, without retries. */
  readonly kind: 'non-retryable';
}

/** One billing job of the baseline fleet. */
export interface BaselineJob {
  readonly id: string;
  /** croner pattern with a seconds field, e.g. `*\/5 * * * * *`. */
  readonly cron: string;
  readonly customer: string;
  readonly amountCents: number;
  readonly fail?: BaselineFailure;
  /** IANA time zone of the pattern and of the invoice period. @default 'UTC' */
  readonly timezone?: string;
  /** `env` of the step context. @default 'chaos' */
  readonly env?: string;
}

/** Settings of one baseline replica process. */
export interface ReplicaSettings {
  /** Redis holding the per-fire locks, e.g. `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** PostgreSQL with the product's migrated schema and `chaos_baseline_runs`. */
  readonly databaseUrl: string;
  /** Replica number, stable across restarts of the same slot. */
  readonly replica: number;
  /** Tag of the chaos run: part of every lock key, and stored on every run row. */
  readonly runTag: string;
  /** Lock lifetime: a holder that dies keeps the fire locked this long. */
  readonly lockTtlMs: number;
  /** Pause before each step (the product's chaos job pauses as long). */
  readonly stepDelayMs: number;
  readonly jobs: readonly BaselineJob[];
  /** Print one JSON line per finished run to stdout. @default false */
  readonly verbose?: boolean;
}

const cronPattern = z.string().superRefine((pattern, ctx) => {
  try {
    new Cron(pattern, { paused: true, mode: '6-part' });
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `'${pattern}' is not a croner pattern with seconds (6 fields, e.g. '*/5 * * * * *'): ${
        err instanceof Error ? err.message : String(err)
      }`,
    });
  }
});

const timezone = z.string().superRefine((zone, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `'${zone}' is not an IANA time zone (e.g. 'UTC', 'Europe/Paris')`,
    });
  }
});

const settingsSchema = strictObject({
  redisUrl: z.string().min(1),
  databaseUrl: z.string().min(1),
  replica: z.int().min(0),
  runTag: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -'),
  lockTtlMs: z.int().min(1),
  stepDelayMs: z.int().min(0),
  verbose: z.boolean().optional(),
  jobs: z
    .array(
      strictObject({
        id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -'),
        cron: cronPattern,
        customer: z.string().min(1),
        amountCents: z.int().min(0),
        fail: strictObject({
          step: z.enum(BASELINE_FAIL_STEPS),
          kind: z.literal('non-retryable'),
        }).optional(),
        timezone: timezone.optional(),
        env: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .superRefine((jobs, ctx) => {
      const seen = new Set<string>();
      jobs.forEach((job, i) => {
        if (seen.has(job.id))
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id '${job.id}'` });
        seen.add(job.id);
      });
    }),
});

/**
 * Parses and validates a replica's settings (the JSON in `argv[2]`).
 * @throws Error naming each invalid field (`jobs[1].cron: ...`) and what is valid
 */
export function parseReplicaSettings(json: string | undefined): ReplicaSettings {
  if (json === undefined) throw new Error('missing settings: pass them as JSON in the first argument');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`settings are not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${formatPath(i.path as (string | number)[]) || '(root)'}: ${i.message}`,
    );
    throw new Error(`invalid settings: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** An instant as RFC 3339 UTC with whole seconds: `2026-11-21T18:00:05Z`. */
export function isoSeconds(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}

/**
 * The workflow ID the product gives the run of `jobId` at `fireTime` (`<jobId>-<fire time>`), so
 * the baseline's effects carry the same idempotency keys (`<workflowId>/<step>`).
 */
export function baselineWorkflowId(jobId: string, fireTime: Date): string {
  return `${jobId}-${isoSeconds(fireTime)}`;
}

/** Redis key of the lock on one fire of one job in one chaos run. */
export function baselineLockKey(runTag: string, jobId: string, fireTime: Date): string {
  return `durable-cron-chaos:${runTag}:lock:${jobId}:${isoSeconds(fireTime)}`;
}
