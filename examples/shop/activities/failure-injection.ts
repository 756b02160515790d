/**
 * Failure injection for the example jobs (`input.fail`), so a jobs file or a test can show what
 * each failure does to a run: retried, failed for good, compensated.
 */
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';

/** Kinds of injected failure. */
export const FAILURE_KINDS = ['error', 'non-retryable', 'declined', 'timeout', 'hang'] as const;

/** An injected failure: which step (or compensation), how, and on how many attempts. */
export interface FailureInjection {
  readonly step: string;
  /**
   * `error`: a retryable error; `non-retryable`: an error that is never retried; `declined`: a
   * `CardDeclined` error (non-retryable by `chargeCard`'s policy); `timeout`: outlive the step's
   * start-to-close timeout; `hang`: wait, heartbeating, until the run cancels the step.
   */
  readonly kind: (typeof FAILURE_KINDS)[number];
  /** Fail only the first N attempts, then succeed. @default every attempt */
  readonly attempts?: number;
}

/** Throws (or stalls) when `fail` targets `step` on this attempt; otherwise returns at once. */
export async function injectFailure(step: string, fail: FailureInjection | undefined): Promise<void> {
  if (!fail || fail.step !== step) return;
  const { attempt, startToCloseTimeoutMs } = activityInfo();
  if (fail.attempts !== undefined && attempt > fail.attempts) return;
  const message = `injected ${fail.kind} in '${step}' (attempt ${attempt})`;
  switch (fail.kind) {
    case 'error':
      throw ApplicationFailure.retryable(message, 'InjectedFailure');
    case 'non-retryable':
      throw ApplicationFailure.nonRetryable(message, 'InjectedFailure');
    case 'declined':
      throw ApplicationFailure.retryable(`card declined (${message})`, 'CardDeclined');
    case 'timeout':
      // Outlive the timeout; the server times the attempt out and retries it elsewhere.
      await Context.current().sleep(startToCloseTimeoutMs + 5_000);
      throw ApplicationFailure.retryable(`${message}: outlived its timeout`, 'InjectedFailure');
    case 'hang':
      for (;;) {
        Context.current().heartbeat();
        await Context.current().sleep(200);
      }
  }
}
