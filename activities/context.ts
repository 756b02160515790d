/** Helpers every activity uses: its idempotency key, and dates in the job's timezone. */
import { ApplicationFailure, activityInfo } from '@temporalio/activity';

/**
 * The idempotency key of a step of the current run: `<workflowId>/<step>`. Stable across retries,
 * replays and a duplicate run of the same fire (run id and attempt are deliberately left out).
 * A compensation passes the name of the step it undoes to find that step's effect.
 */
export function idempotencyKey(step: string): string {
  const execution = activityInfo().workflowExecution;
  if (!execution)
    throw ApplicationFailure.nonRetryable(`step '${step}' ran outside a workflow`, 'NoWorkflow');
  return `${execution.workflowId}/${step}`;
}

/** Calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return parts.format(new Date(instant));
}
