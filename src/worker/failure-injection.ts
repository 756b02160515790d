/**
 * Failure injection for tests, the chaos harness and the local demo (`durable-cron start`): make a
 * chosen step of a chosen job fail, so they can show what each failure does to a run (retried,
 * failed for good, compensated). It is a worker option, never part of a job type's input: a jobs
 * file cannot make a run fail, and `durable-cron worker` has no flag for it.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Kinds of injected failure. */
export const FAILURE_KINDS = ['error', 'non-retryable', 'declined', 'timeout', 'hang'] as const;

/** A failure injected into one step of every run of one job. */
export interface InjectedFailure {
  /** The job id whose runs fail. */
  readonly job: string;
  /** The step (its activity name) that fails, or one of the saga's compensations. */
  readonly step: string;
  /**
   * Fail only calls of the step whose input has these values (e.g. `{ shard: 2 }` for one shard
   * of a step that runs once per shard). @default every call
   */
  readonly input?: Readonly<Record<string, string | number | boolean>>;
  /**
   * `error`: a retryable error; `non-retryable`: an error that is never retried; `declined`: a
   * retryable `CardDeclined` error (non-retryable by `chargeCard`'s policy); `timeout`: outlive the
   * step's start-to-close timeout; `hang`: wait, heartbeating, until the run cancels the step.
   */
  readonly kind: (typeof FAILURE_KINDS)[number];
  /** Fail only the first N attempts, then succeed. @default every attempt */
  readonly attempts?: number;
}

/**
 * Throws (or stalls) as `failure` says, on this attempt of the activity `ctx` runs; returns at
 * once when `failure.attempts` attempts have already failed.
 * @param ctx the activity's context @default the current activity's
 * @throws ApplicationFailure `InjectedFailure` or `CardDeclined`
 */
export async function injectFailure(
  failure: InjectedFailure,
  ctx: Context = Context.current(),
): Promise<void> {
  const { attempt, startToCloseTimeoutMs, activityType } = ctx.info;
  if (failure.attempts !== undefined && attempt > failure.attempts) return;
  const message = `injected ${failure.kind} in '${activityType}' (attempt ${attempt})`;
  switch (failure.kind) {
    case 'error':
      throw ApplicationFailure.retryable(message, 'InjectedFailure');
    case 'non-retryable':
      throw ApplicationFailure.nonRetryable(message, 'InjectedFailure');
    case 'declined':
      throw ApplicationFailure.retryable(`card declined (${message})`, 'CardDeclined');
    case 'timeout':
      // Outlive the timeout; the server times the attempt out and retries it elsewhere.
      await ctx.sleep(startToCloseTimeoutMs + 5_000);
      throw ApplicationFailure.retryable(`${message}: outlived its timeout`, 'InjectedFailure');
    case 'hang':
      for (;;) {
        ctx.heartbeat();
        await ctx.sleep(200);
      }
  }
}

/**
 * The failure of `failures` that targets a call of `step` with `args` (a step's arguments: the
 * step context, whose `jobId` names the job, then the step's input), if any.
 */
export function injectedFailureFor(
  failures: readonly InjectedFailure[],
  step: string,
  args: readonly unknown[],
): InjectedFailure | undefined {
  const job = (args[0] as { jobId?: unknown } | undefined)?.jobId;
  const input = (args[1] ?? {}) as Record<string, unknown>;
  return failures.find(
    (f) =>
      f.job === job &&
      f.step === step &&
      Object.entries(f.input ?? {}).every(([key, value]) => input[key] === value),
  );
}

/** Activity interceptors that make the steps `failures` target fail before they run. */
export function failureInjectionInterceptors(
  failures: readonly InjectedFailure[],
): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const failure = injectedFailureFor(failures, ctx.info.activityType, input.args);
        if (failure) await injectFailure(failure, ctx);
        return next(input);
      },
    },
  });
}
