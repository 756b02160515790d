/**
 * Core vocabulary of durable-cron.
 *
 * - **job**: one entry of the jobs file: an id, a job type, a customer/env pair, a schedule and an input.
 * - **job type**: code the worker pool registers (a workflow plus its activities), e.g. `daily-summary`.
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
