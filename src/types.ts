/**
 * Core vocabulary of durable-cron.
 *
 * - **job**: one entry of the jobs file: an id, a job type, a customer/env pair, a schedule and an input.
 * - **job type**: code the worker pool registers, declared with `defineJob`: an input schema and
 *   ordered steps (run by durable-cron's generic saga workflow), or its own workflow and activities.
 * - **schedule**: the Temporal Schedule that fires a job; its ID is the job id.
 * - **fire time**: the nominal time a schedule fires (before jitter), in UTC. A run's workflow ID is
 *   `<jobId>-<fire time as RFC 3339>`, so one fire time is one workflow.
 * - **run**: one workflow execution of a job for one fire time (or an ad-hoc trigger).
 * - **step**: one activity of a run, with explicit timeout and retry policies. Every effect of a step
 *   carries the idempotency key `<workflowId>/<step>`.
 * - **compensation**: the activity that undoes a completed step when a later step fails for good or
 *   the run is cancelled; compensations run in reverse order.
 * - **worker pool**: the processes that poll the task queue and run job types.
 */

/** Input every job-type workflow receives: from the schedule's action, or from an ad-hoc start. */
export interface JobRunInput<I = unknown> {
  /** The job id (also the schedule id). */
  readonly jobId: string;
  readonly customer: string;
  readonly env: string;
  /** IANA time zone of the job's schedule; jobs use it to interpret their logical date. */
  readonly timezone: string;
  /** The job's input from the jobs file, already validated against the job type's schema. */
  readonly input: I;
  /**
   * Nominal fire time (RFC 3339) for runs not started by a schedule. Scheduled runs read it from
   * the `TemporalScheduledStartTime` search attribute instead.
   */
  readonly fireTime?: string;
  /** Per-job step policy overrides from the jobs file's `steps:`, keyed by step name. */
  readonly steps?: Readonly<Record<string, StepOverride>>;
}

/** What each step (activity) of a run receives as its first argument. */
export interface StepContext {
  readonly jobId: string;
  readonly customer: string;
  readonly env: string;
  readonly timezone: string;
  /** Nominal fire time of the run, RFC 3339 UTC: the run's logical date. */
  readonly fireTime: string;
}

/** A duration: milliseconds, or a string such as `30s` (Temporal's form). */
export type DurationValue = number | string;

/** Retry policy of a step (Temporal's activity retry options). */
export interface StepRetryPolicy {
  readonly initialInterval?: DurationValue;
  readonly backoffCoefficient?: number;
  readonly maximumInterval?: DurationValue;
  /** Attempts in all, the first included; unlimited when absent. */
  readonly maximumAttempts?: number;
  /** Error types (ApplicationFailure `type`) that end the step without another attempt. */
  readonly nonRetryableErrorTypes?: readonly string[];
}

/** Timeouts and retry policy of a step. */
export interface StepPolicy {
  readonly startToCloseTimeout: DurationValue;
  readonly scheduleToCloseTimeout?: DurationValue;
  readonly heartbeatTimeout?: DurationValue;
  readonly retry: StepRetryPolicy;
}

/**
 * One step of a job type: the activity it runs, the activity that undoes it (compensation), and
 * their default policies. The step's name is the key of its idempotency key `<workflowId>/<name>`.
 */
export interface StepDefinition {
  readonly name: string;
  /** Activity name (a key of `createActivities`' result). */
  readonly activity: string;
  readonly policy: StepPolicy;
  /**
   * Name of the compensation, the step that undoes this one when a later step fails for good or the
   * run is cancelled (the key of its policy override in the jobs file's `steps:`).
   */
  readonly compensation?: string;
  /** Activity of the compensation. @default {@link StepDefinition.compensation} */
  readonly compensationActivity?: string;
  /** Policy of the compensation. @default the step's policy */
  readonly compensationPolicy?: StepPolicy;
}

/** A per-job override of a step's policy, as the jobs file gives it (durations in milliseconds). */
export interface StepOverride {
  /** Overrides `startToCloseTimeout`. */
  readonly timeout?: number;
  readonly scheduleToCloseTimeout?: number;
  readonly heartbeatTimeout?: number;
  readonly retry?: {
    readonly initialInterval?: number;
    readonly backoffCoefficient?: number;
    readonly maximumInterval?: number;
    readonly maximumAttempts?: number;
    readonly nonRetryableErrorTypes?: readonly string[];
  };
}

/** What a saga run reports when it fails or is cancelled (the failure's details) or succeeds. */
export interface SagaReport {
  /** Steps that completed, in order. */
  readonly done: readonly string[];
  /** Steps whose compensation completed, in the order they ran (reverse of `done`). */
  readonly compensated: readonly string[];
  /** The step that failed for good, when one did. */
  readonly failedStep?: string;
  /** Compensations that failed for good: which step, which compensation, which error. */
  readonly compensationFailures: readonly { step: string; compensation: string; error: string }[];
}
