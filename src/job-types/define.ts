/**
 * How a job type is declared: one module the job's author owns, with the zod schema of its input
 * and its ordered steps. Each step is a plain async function with a default policy (timeout,
 * retry, heartbeat) and an optional compensation.
 *
 * Two shapes:
 * - **Steps** (most jobs): give each step's `run` (and `compensate`). durable-cron runs them in order
 *   on its generic, deterministic workflow, as a saga: when a step fails for good or the run is
 *   cancelled, the compensations of the completed steps run in reverse order. No workflow code.
 * - **Own workflow** (fan-out, signals, timers): name a workflow module and export, plus the
 *   activities it calls; `steps` then only describes the step names and policies a jobs file may
 *   override.
 */
import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import type { ActivityDeps, ActivityFunction } from '../../activities/deps';
import type { Once } from '../../activities/effects';
import { DurableCronError } from '../errors';
import type { StepContext, StepDefinition, StepPolicy, StepRetryPolicy, DurationValue } from '../types';

/** Marks the objects {@link defineJob} returns, so a jobs module's other exports are ignored. */
export const JOB_TYPE_BRAND: unique symbol = Symbol.for('durable-cron.job-type');

/** Job type names: as job ids, plus dots (`billing.v2`). Also the workflow type of a steps job type. */
export const JOB_TYPE_NAME_PATTERN = /^[a-z][a-z0-9.-]{0,62}$/;

/** Step names: also the last part of the idempotency key `<workflowId>/<step>`. */
export const STEP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** What a step's `run` receives. */
export interface StepArgs<I = unknown> {
  /** The run: job id, customer, env, timezone and the nominal fire time (RFC 3339, UTC). */
  readonly job: StepContext;
  /** The job's `input`, validated against the job type's schema (defaults applied). */
  readonly input: I;
  /** What the earlier steps of this run returned, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
  /** `<workflowId>/<step>`: the same on every retry and for a duplicate run of the same fire. */
  readonly idempotencyKey: string;
  /** The run's workflow id, `<jobId>-<fire time>`. */
  readonly workflowId: string;
  /** 1 for the first attempt of the step. */
  readonly attempt: number;
  /** Aborted when the step is cancelled (the run was cancelled, or the worker is shutting down). */
  readonly signal: AbortSignal;
  /**
   * Records progress: the next attempt (after a crash) finds it in {@link StepArgs.progress}.
   * Heartbeats are also sent automatically while the step runs.
   */
  heartbeat(this: void, details?: unknown): void;
  /** What the previous attempt last passed to `heartbeat`, if any. */
  readonly progress: unknown;
  /**
   * Runs `effect` once for this step's idempotency key, in a transaction of durable-cron's database
   * that also records the key; later attempts get the first result back (`created: false`).
   * @throws a non-retryable `NoDatabase` failure when the worker has no database
   */
  once<T>(this: void, effect: (tx: PoolClient) => Promise<T>): Promise<Once<T>>;
  /** durable-cron's database (`DATABASE_URL`, or the embedded one), when the worker has one. */
  readonly db: Pool | undefined;
  /** The worker's dependencies and permissions. */
  readonly deps: ActivityDeps;
}

/** What a step's `compensate` receives: the step's arguments plus its result, when it completed. */
export interface CompensationArgs<I = unknown> extends StepArgs<I> {
  /**
   * What the step returned, or `undefined` when it timed out (its effect may or may not exist:
   * find it by the idempotency key of the step, {@link CompensationArgs.stepKey}).
   */
  readonly result: unknown;
  /** The idempotency key of the step being undone, `<workflowId>/<step>`. */
  readonly stepKey: string;
}

/** Per-step policy as a job type declares it; every field has a default. */
export interface StepPolicyInput {
  /** Longest one attempt may take. @default '1m' */
  readonly timeout?: DurationValue;
  /** Longest all attempts together may take. @default unlimited */
  readonly scheduleToCloseTimeout?: DurationValue;
  /** A step whose heartbeats stop for this long is retried elsewhere. @default '5s' */
  readonly heartbeatTimeout?: DurationValue;
  /** @default 1s initial interval, coefficient 2, 1m maximum interval, 10 attempts */
  readonly retry?: StepRetryPolicy;
}

/** One step of a steps job type. */
export interface JobStep<I = unknown> extends StepPolicyInput {
  /** Unique within the job type; matches {@link STEP_NAME_PATTERN}. */
  readonly name: string;
  /** The step's effect. Its return value must be JSON-serializable (it is stored in the run's history). */
  run(this: void, args: StepArgs<I>): Promise<unknown>;
  /** Undoes the step's effect. Must be idempotent: it may run more than once, or for a step that never acted. */
  compensate?(this: void, args: CompensationArgs<I>): Promise<unknown>;
  /** Policy of the compensation. @default 1m timeout, up to 20 attempts with a 5m maximum interval */
  readonly compensation?: StepPolicyInput;
}

/** The own workflow of a job type: a module bundled with the worker's workflows, and its export. */
export interface WorkflowRef {
  /** Absolute path of the workflow module (e.g. `require.resolve('./workflows')`). */
  readonly module: string;
  /** The exported workflow function; also the Temporal workflow type of the runs. */
  readonly export: string;
}

/** A job type as the worker and the jobs file see it. Make one with {@link defineJob}. */
export interface JobType<I = unknown> {
  readonly [JOB_TYPE_BRAND]: true;
  /** The jobs file's `type`. */
  readonly name: string;
  readonly description: string;
  /** Schema of the job's `input`. */
  readonly input: z.ZodType<I>;
  /** The steps, in order, with their policies (own-workflow types: their overridable steps). */
  readonly steps: readonly StepDefinition[];
  /** Temporal workflow type of the runs. */
  readonly workflowType: string;
  /** The workflow module to bundle; absent for steps job types (they run on the generic workflow). */
  readonly workflow?: WorkflowRef;
  /** The activities the worker registers for this job type. */
  activities(this: void, deps: ActivityDeps): Record<string, ActivityFunction>;
  /** The steps' functions of a steps job type, by step name (absent for own-workflow types). */
  readonly stepFunctions?: ReadonlyMap<string, JobStep<I>>;
}

/** Declaration of a steps job type. */
export interface StepsJobDeclaration<S extends z.ZodType> {
  readonly name: string;
  readonly description?: string;
  readonly input: S;
  readonly steps: readonly JobStep<z.output<S>>[];
}

/** Declaration of a job type with its own workflow. */
export interface WorkflowJobDeclaration<S extends z.ZodType> {
  readonly name: string;
  readonly description?: string;
  readonly input: S;
  readonly workflow: WorkflowRef;
  /** The activities the workflow calls, built from the worker's dependencies. */
  activities(this: void, deps: ActivityDeps): Record<string, ActivityFunction>;
  /** The steps the workflow runs, with their default policies (what a jobs file's `steps:` may override). */
  readonly steps: readonly StepDefinition[] | Readonly<Record<string, StepDefinition>>;
}

/** A job type declaration that is invalid (bad name, duplicate step, ...). */
export class JobTypeDefinitionError extends DurableCronError {
  constructor(
    message: string,
    readonly jobType: string,
  ) {
    super(message);
  }
}

/** Default policy of a step of a steps job type. */
export const DEFAULT_STEP_POLICY: StepPolicy = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
};

/** Compensations try harder than steps: giving up leaves an effect nobody undoes. */
export const DEFAULT_COMPENSATION_POLICY: StepPolicy = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
};

/** Name of a steps job type's step's compensation in the jobs file's `steps:` (e.g. `charge.compensate`). */
export function compensationName(step: string): string {
  return `${step}.compensate`;
}

/** Activity name of a step of a steps job type: `<jobType>.<step>`, unique across job types. */
export function stepActivityName(jobType: string, step: string): string {
  return `${jobType}.${step}`;
}

/**
 * Declares a job type. With `steps` of functions it runs on durable-cron's generic saga workflow;
 * with `workflow` it runs on the named workflow.
 * @throws {JobTypeDefinitionError} for an invalid name, step name, duplicate step, or a missing function
 */
export function defineJob<S extends z.ZodType>(
  def: StepsJobDeclaration<S> | WorkflowJobDeclaration<S>,
): JobType<z.output<S>> {
  const fail = (message: string): never => {
    throw new JobTypeDefinitionError(`job type '${String(def.name)}': ${message}`, String(def.name));
  };
  if (typeof def.name !== 'string' || !JOB_TYPE_NAME_PATTERN.test(def.name)) {
    fail(`name must match ${JOB_TYPE_NAME_PATTERN.source} (lowercase letters, digits, dots, dashes)`);
  }
  if (!def.input || typeof (def.input as { safeParse?: unknown }).safeParse !== 'function') {
    fail('input must be a zod schema, e.g. z.object({ ... })');
  }
  if ('workflow' in def) return defineWorkflowJob(def, fail);
  return defineStepsJob(def, fail);
}

function defineStepsJob<S extends z.ZodType>(
  def: StepsJobDeclaration<S>,
  fail: (message: string) => never,
): JobType<z.output<S>> {
  type I = z.output<S>;
  const list: readonly JobStep<I>[] = def.steps;
  if (!isNonEmptyList(list)) fail('steps must list at least one step');
  const functions = new Map<string, JobStep<I>>();
  const steps = list.map((step, i): StepDefinition => {
    if (typeof step?.name !== 'string' || !STEP_NAME_PATTERN.test(step.name)) {
      fail(`steps[${i}].name must match ${STEP_NAME_PATTERN.source}`);
    }
    if (functions.has(step.name)) fail(`steps[${i}]: duplicate step name '${step.name}'`);
    if (typeof step.run !== 'function') fail(`step '${step.name}' needs a run function`);
    if (step.compensate !== undefined && typeof step.compensate !== 'function') {
      fail(`step '${step.name}': compensate must be a function`);
    }
    functions.set(step.name, step);
    return {
      name: step.name,
      activity: stepActivityName(def.name, step.name),
      policy: policyOf(step, DEFAULT_STEP_POLICY),
      ...(step.compensate
        ? {
            compensation: compensationName(step.name),
            compensationActivity: `${stepActivityName(def.name, step.name)}.compensate`,
            compensationPolicy: policyOf(step.compensation ?? {}, DEFAULT_COMPENSATION_POLICY),
          }
        : {}),
    };
  });
  const type: JobType<I> = {
    [JOB_TYPE_BRAND]: true,
    name: def.name,
    description: def.description ?? '',
    input: def.input as z.ZodType<I>,
    steps,
    workflowType: def.name,
    stepFunctions: functions,
    // Filled by the worker (activities/steps.ts), which adapts each step function to an activity.
    activities: () => ({}),
  };
  return type;
}

function defineWorkflowJob<S extends z.ZodType>(
  def: WorkflowJobDeclaration<S>,
  fail: (message: string) => never,
): JobType<z.output<S>> {
  const { module, export: name } = def.workflow ?? {};
  if (typeof module !== 'string' || module === '') fail('workflow.module must be the path of a module');
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    fail('workflow.export must name the exported workflow function');
  }
  if (typeof def.activities !== 'function') fail('activities must be a function (deps) => activities');
  const declared: readonly StepDefinition[] | Readonly<Record<string, StepDefinition>> = def.steps;
  const steps: readonly StepDefinition[] = isStepList(declared) ? declared : Object.values(declared);
  return {
    [JOB_TYPE_BRAND]: true,
    name: def.name,
    description: def.description ?? '',
    input: def.input as z.ZodType<z.output<S>>,
    steps,
    workflowType: name,
    workflow: def.workflow,
    activities: def.activities,
  };
}

/** Not a type guard on purpose: narrowing a typed list with Array.isArray makes it `any[]`. */
function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isStepList(
  steps: readonly StepDefinition[] | Readonly<Record<string, StepDefinition>>,
): steps is readonly StepDefinition[] {
  return Array.isArray(steps);
}

function policyOf(input: StepPolicyInput, base: StepPolicy): StepPolicy {
  return {
    startToCloseTimeout: input.timeout ?? base.startToCloseTimeout,
    ...(input.scheduleToCloseTimeout !== undefined
      ? { scheduleToCloseTimeout: input.scheduleToCloseTimeout }
      : {}),
    ...(input.heartbeatTimeout !== undefined ? { heartbeatTimeout: input.heartbeatTimeout } : {}),
    retry: { ...base.retry, ...input.retry },
  };
}

/** True for the objects {@link defineJob} returns. */
export function isJobType(value: unknown): value is JobType {
  return typeof value === 'object' && value !== null && (value as JobType)[JOB_TYPE_BRAND] === true;
}

/** Names a jobs file's `steps:` may override: every step and every compensation. */
export function overridableStepNames(type: Pick<JobType, 'steps'>): string[] {
  return type.steps.flatMap((s) => (s.compensation ? [s.name, s.compensation] : [s.name]));
}
