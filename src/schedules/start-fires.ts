/**
 * Starting a schedule's fires ourselves, each at most once, with the server as the judge.
 *
 * A schedule's own backfill starts runs with ID-reuse policy ALLOW_DUPLICATE, so "check which
 * fires have a run, then backfill the rest" races: two callers (or a caller and the schedule's own
 * fire of that time) can both see no run and both start one. Here each fire's run is started the
 * way the schedule would start it: the same workflow type, the id `<action.workflowId>-<fire time>`,
 * task queue, input, memo, timeouts and search attributes, plus the `TemporalScheduledStartTime` and
 * `TemporalScheduledById` attributes the schedule sets (so workflows read their nominal fire time and
 * audits find the run). But the reuse policy is REJECT_DUPLICATE: the server refuses a second run of
 * that id, running or closed. The schedule's own fires use the same policy, so whoever comes second,
 * a concurrent backfill or the schedule itself, is refused, and the fire runs once.
 *
 * Runs started here are not the schedule's actions: they do not appear in its recent actions or
 * action counts, and its overlap policy does not wait for them.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  type ScheduleDescription,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { DurableCronError, errorMessage } from '../errors';
import { SCHEDULED_BY_ID, SCHEDULED_START_TIME } from '../search-attributes';
import { withSetupHint } from './errors';
import { fireHasRun, fireWorkflowId } from './fire-runs';
import { mapConcurrent } from './rpc';
import type { ScheduleRpc } from './schedule-rpc';
import { formatFireTime } from '../rfc3339';

/** Options for {@link startFiresOnce}. */
export interface StartFiresOptions {
  /**
   * Run the fires even if they already ran (ID-reuse policy ALLOW_DUPLICATE): a closed run of a
   * fire gets a second run; a fire whose run is still open is skipped. @default false
   */
  readonly force?: boolean;
  /** Start nothing; report as skipped the fires whose workflow id already has a run. @default false */
  readonly dryRun?: boolean;
  /** Starts (or, with `dryRun`, checks) in flight at once. @default 8 */
  readonly concurrency?: number;
}

/** What {@link startFiresOnce} started and skipped, each in fire-time order. */
export interface StartFiresResult {
  /** Fires whose run this call started (with `dryRun`: would start). */
  readonly started: Date[];
  /** Fires the server refused because their workflow id already has a run, with that id. */
  readonly skipped: { fireTime: Date; workflowId: string }[];
}

/** Some fires could not be started; the others were. Running the same command again finishes. */
export class FireStartIncompleteError extends DurableCronError {
  constructor(
    readonly scheduleId: string,
    readonly result: StartFiresResult,
    readonly failed: readonly { fireTime: Date; error: unknown }[],
  ) {
    const first = failed
      .slice(0, 3)
      .map((f) => `${formatFireTime(f.fireTime)}: ${errorMessage(f.error).split('\n')[0] ?? 'failed'}`)
      .join('; ');
    super(
      `starting fires of '${scheduleId}' incomplete: ${failed.length} failed (${first}` +
        `${failed.length > 3 ? '; ...' : ''}); ${result.started.length} started, ` +
        `${result.skipped.length} already ran. Run it again: fires that ran are skipped.`,
      { cause: failed[0]?.error },
    );
  }
}

/**
 * The options that start the run of `fireTime` as `description`'s schedule would, with the given
 * ID-reuse policy.
 */
export function fireStartOptions(
  description: ScheduleDescription,
  fireTime: Date,
  reusePolicy: WorkflowIdReusePolicy,
): WorkflowStartOptions {
  const action = description.action;
  const own = action.typedSearchAttributes;
  const pairs = own === undefined ? [] : Array.isArray(own) ? own : own.getAll();
  const scheduled = new Set([SCHEDULED_START_TIME.name, SCHEDULED_BY_ID.name]);
  return {
    workflowId: fireWorkflowId(action.workflowId, fireTime),
    taskQueue: action.taskQueue,
    args: action.args ?? [],
    workflowIdReusePolicy: reusePolicy,
    typedSearchAttributes: [
      ...pairs.filter((p) => !scheduled.has(p.key.name)),
      { key: SCHEDULED_START_TIME, value: fireTime },
      { key: SCHEDULED_BY_ID, value: description.scheduleId },
    ],
    ...(action.memo === undefined ? {} : { memo: action.memo }),
    ...(action.retry === undefined ? {} : { retry: action.retry }),
    ...(action.workflowExecutionTimeout === undefined
      ? {}
      : { workflowExecutionTimeout: action.workflowExecutionTimeout }),
    ...(action.workflowRunTimeout === undefined ? {} : { workflowRunTimeout: action.workflowRunTimeout }),
    ...(action.workflowTaskTimeout === undefined ? {} : { workflowTaskTimeout: action.workflowTaskTimeout }),
    ...(action.staticSummary === undefined ? {} : { staticSummary: action.staticSummary }),
    ...(action.staticDetails === undefined ? {} : { staticDetails: action.staticDetails }),
    ...(action.priority === undefined ? {} : { priority: action.priority }),
  };
}

/**
 * Starts the run of each of `fireTimes` (nominal fire times of `description`'s schedule) unless
 * its workflow id already has a run. The check and the start are one server call, so callers
 * racing over the same fires, and the schedule's own fires, never give a fire two runs.
 * Both `schedules backfill`/`unpause --catch-up` and `audit --backfill-missing` start fires here.
 * @throws {FireStartIncompleteError} when some starts failed (after all were tried)
 */
export async function startFiresOnce(
  rpc: ScheduleRpc,
  description: ScheduleDescription,
  fireTimes: readonly Date[],
  options: StartFiresOptions = {},
): Promise<StartFiresResult> {
  const prefix = description.action.workflowId;
  const reusePolicy = options.force
    ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
    : WorkflowIdReusePolicy.REJECT_DUPLICATE;
  const outcomes = await mapConcurrent(fireTimes, options.concurrency ?? 8, async (fireTime) => {
    if (options.dryRun) {
      if (options.force) return 'started';
      return (await rpc.counted(() => fireHasRun(rpc.client, prefix, fireTime))) ? 'skipped' : 'started';
    }
    try {
      await withSetupHint(() =>
        rpc.start(description.action.workflowType, fireStartOptions(description, fireTime, reusePolicy)),
      );
      return 'started';
    } catch (err) {
      // The server's answer to "this fire already has a run": the outcome we want, not a failure.
      // (A start retried after a lost reply resends its request id: the server answers with the run
      // it started, or the retry lands here; either way the fire ran once.)
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'skipped';
      throw err;
    }
  });
  const result: StartFiresResult = { started: [], skipped: [] };
  const failed: { fireTime: Date; error: unknown }[] = [];
  outcomes.forEach((outcome, i) => {
    const fireTime = fireTimes[i] as Date;
    if (!outcome.ok) failed.push({ fireTime, error: outcome.error });
    else if (outcome.value === 'started') result.started.push(fireTime);
    else result.skipped.push({ fireTime, workflowId: fireWorkflowId(prefix, fireTime) });
  });
  if (failed.length > 0) throw new FireStartIncompleteError(description.scheduleId, result, failed);
  return result;
}
