/**
 * Testing a job type's steps without Temporal or a worker: {@link stepArgsForTest} builds the
 * arguments a step's `run` (or `compensate`) receives, and {@link jobStep} finds a step by name.
 *
 * ```ts
 * const args = stepArgsForTest({ jobType: hello, job: { customer: 'acme' } });
 * const result = await jobStep(hello, 'announce').run(args);
 * ```
 */
import type { Pool, PoolClient } from 'pg';
import { once as onceInDatabase, type Once } from '../activities/effects';
import type { ActivityDeps } from '../activities/deps';
import type { CompensationArgs, JobStep, JobType } from './job-types/define';
import { DurableCronError } from './errors';
import type { StepContext } from './types';
import { formatFireTime } from './rfc3339';

/** The run a test step belongs to unless `job` says otherwise. */
export const TEST_STEP_CONTEXT: StepContext = {
  jobId: 'test-job',
  customer: 'test',
  env: 'test',
  timezone: 'UTC',
  fireTime: '2026-01-01T00:00:00.000Z',
};

/** Options of {@link stepArgsForTest}; every field has a default. */
export interface StepArgsForTestOptions<I> {
  /**
   * The job type the step belongs to: `input` is then validated and completed (defaults) by its
   * schema, as a run gets it. Without it, `input` is passed as given.
   */
  readonly jobType?: JobType<I>;
  /** The job's `input`, as the jobs file gives it. @default {} */
  readonly input?: unknown;
  /** The run: job id, customer, env, timezone, fire time. @default {@link TEST_STEP_CONTEXT} */
  readonly job?: Partial<StepContext>;
  /** The step's name: the last part of the idempotency key. @default 'step' */
  readonly step?: string;
  /** What the earlier steps returned, by step name. @default {} */
  readonly results?: Readonly<Record<string, unknown>>;
  /** @default 1 */
  readonly attempt?: number;
  /** What the previous attempt last passed to `heartbeat`. @default undefined */
  readonly progress?: unknown;
  /**
   * Arguments of the step's compensation: `idempotencyKey` is `<workflowId>/<step>.compensate`,
   * `stepKey` is `<workflowId>/<step>`, and `result` is the step's result. @default false
   */
  readonly compensation?: boolean;
  /** For a compensation: what the step returned (`undefined`: it timed out). */
  readonly result?: unknown;
  /**
   * A database with durable-cron's tables (`durable-cron setup`): `once` then runs in it as on a
   * worker. Without one, `once` remembers its keys in memory (per arguments object) and its
   * effect gets no usable transaction.
   */
  readonly db?: Pool;
  /** More worker dependencies (`dataDir`, permissions). @default { dataDir: '.data' } */
  readonly deps?: Partial<ActivityDeps>;
  /** @default a signal that is never aborted */
  readonly signal?: AbortSignal;
}

/** Step arguments for a test, with what the step did through them. */
export interface TestStepArgs<I> extends CompensationArgs<I> {
  /** The details of every `heartbeat` call, in order. */
  readonly heartbeats: unknown[];
  /** What the effects run by the in-memory `once` returned, by idempotency key. */
  readonly effects: ReadonlyMap<string, unknown>;
}

/**
 * Builds the arguments a step receives on a worker, for calling the step directly in a test.
 * Calling the step twice with the same arguments is a retry: `once` returns the first result
 * (`created: false`).
 * @throws {DurableCronError} when `jobType` is given and `input` fails its schema
 */
export function stepArgsForTest<I = unknown>(options: StepArgsForTestOptions<I> = {}): TestStepArgs<I> {
  const job: StepContext = { ...TEST_STEP_CONTEXT, ...options.job };
  const step = options.step ?? 'step';
  const workflowId = `${job.jobId}-${formatFireTime(job.fireTime)}`;
  const stepKey = `${workflowId}/${step}`;
  const idempotencyKey = options.compensation ? `${stepKey}.compensate` : stepKey;
  const heartbeats: unknown[] = [];
  const effects = new Map<string, unknown>();
  const { db } = options;
  const once = async <T>(effect: (tx: PoolClient) => Promise<T>): Promise<Once<T>> => {
    if (db) return onceInDatabase(db, idempotencyKey, step, effect);
    if (effects.has(idempotencyKey)) return { result: effects.get(idempotencyKey) as T, created: false };
    const result = await effect(noTransaction());
    effects.set(idempotencyKey, result);
    return { result, created: true };
  };
  return {
    job,
    input: inputFor(options),
    results: options.results ?? {},
    idempotencyKey,
    workflowId,
    attempt: options.attempt ?? 1,
    signal: options.signal ?? new AbortController().signal,
    heartbeat: (details?: unknown) => void heartbeats.push(details),
    progress: options.progress,
    once,
    db,
    deps: { dataDir: '.data', ...options.deps, ...(db ? { db } : {}) },
    result: options.result,
    stepKey,
    heartbeats,
    effects,
  };
}

/**
 * The step `name` of a steps job type, to call its `run` or `compensate` in a test.
 * @throws {DurableCronError} when the job type has no such step, or has its own workflow
 */
export function jobStep<I>(jobType: JobType<I>, name: string): JobStep<I> {
  const steps = jobType.stepFunctions;
  if (!steps) {
    throw new DurableCronError(
      `job type '${jobType.name}' has its own workflow: test its activities instead`,
    );
  }
  const step = steps.get(name);
  if (!step) {
    throw new DurableCronError(
      `job type '${jobType.name}' has no step '${name}' (steps: ${[...steps.keys()].join(', ')})`,
    );
  }
  return step;
}

function inputFor<I>(options: StepArgsForTestOptions<I>): I {
  const input = options.input ?? {};
  if (!options.jobType) return input as I;
  const parsed = options.jobType.input.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`,
  );
  throw new DurableCronError(
    `input does not match job type '${options.jobType.name}': ${problems.join('; ')}`,
  );
}

/** What the in-memory `once` gives its effect: any use says how to get a real transaction. */
function noTransaction(): PoolClient {
  return new Proxy({} as PoolClient, {
    get(_target, property) {
      // Lets `await` and inspection see a plain object.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      throw new DurableCronError(
        `stepArgsForTest: this effect used its transaction (tx.${property}), but there is no database: pass { db } to stepArgsForTest`,
      );
    },
  });
}
