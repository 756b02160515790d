/**
 * Making Temporal's schedules match a validated jobs file: plan, then create what is missing,
 * update what changed, and (with prune) delete what the file dropped, concurrently. Validation
 * happens before this is called, so bad input never reaches the server. Every change is
 * independent and idempotent: after a partial failure, a second apply finishes the job.
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleDescription } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { DurableCronError, errorMessage } from '../errors';
import type { JobsFile } from '../jobs/schema';
import { SCHEDULE_SYNC } from '../search-attributes';
import { encodeSync, syncOf } from './definition';
import { changeFor, planApply, type BuiltJob, type Plan, type PlannedChange } from './plan';
import { mapConcurrent, type RpcCounts } from './rpc';
import { ScheduleRpc } from './schedule-rpc';
import { serverErrorLine } from '../server-errors';

/** What apply did for one job (kept for callers that only need the successful changes). */
export interface ApplyChange {
  readonly jobId: string;
  readonly action: 'create' | 'update' | 'delete';
}

/** The outcome of one planned change. */
export interface ChangeResult {
  readonly change: PlannedChange;
  /**
   * What was done: the planned action, or (when a planned create found the schedule already
   * there) `update` or `none` after comparing it. Undefined when the change failed.
   */
  readonly done?: ApplyChange['action'] | 'none';
  /** The error message when the change failed (after retries). */
  readonly error?: string;
}

/** Options for {@link executePlan}. */
export interface ExecuteOptions {
  /** RPCs in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Called after each change, successful or not. */
  readonly onProgress?: (done: number, total: number, result: ChangeResult) => void;
  /** The time recorded as the pause start of schedules the file pauses. @default now */
  readonly now?: Date;
}

/** The sync attribute (definition hash, pause start, project) added to a built schedule's search attributes. */
function withSync(b: BuiltJob, pausedAt: Date | undefined, project: string): SearchAttributePair[] {
  const attrs = (b.options.typedSearchAttributes ?? []) as SearchAttributePair[];
  return [...attrs, { key: SCHEDULE_SYNC, value: encodeSync({ hash: b.hash, pausedAt, project }) }];
}

function updated(b: BuiltJob, prev: ScheduleDescription, now: Date, project: string) {
  const { job, options } = b;
  const paused = job.paused ?? prev.state.paused;
  const controlsNote = job.note !== undefined && (job.paused !== undefined || !prev.state.paused);
  // Keep the original pause start across updates of a paused schedule: unpause --catch-up needs it.
  const pausedAt = !paused ? undefined : prev.state.paused ? syncOf(prev).pausedAt : now;
  return {
    ...prev,
    spec: options.spec,
    action: options.action,
    policies: options.policies,
    state: { ...prev.state, paused, note: controlsNote ? job.note : prev.state.note },
    searchAttributes: undefined,
    typedSearchAttributes: withSync(b, pausedAt, project),
  };
}

async function runChange(
  rpc: ScheduleRpc,
  plan: Plan,
  change: PlannedChange,
  now: Date,
): Promise<NonNullable<ChangeResult['done']>> {
  if (change.action === 'delete') {
    await rpc.delete(change.jobId);
    return 'delete';
  }
  const b = plan.built.get(change.jobId);
  if (!b) throw new DurableCronError(`no job '${change.jobId}' in the plan`);
  if (change.action === 'create') {
    try {
      await rpc.create({
        ...b.options,
        typedSearchAttributes: withSync(b, b.job.paused ? now : undefined, plan.project),
      });
      return 'create';
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    // It exists (created a moment ago and not yet in the eventually consistent list, or by
    // another apply): update it only if it differs.
    const current = await rpc.describe(change.jobId);
    if (current && changeFor(b, current, plan.project) === undefined) return 'none';
  }
  await rpc.update(change.jobId, (prev) => updated(b, prev, now, plan.project));
  return 'update';
}

/** Runs a plan's changes concurrently; a failed change does not stop the others. */
export async function executePlan(
  rpc: ScheduleRpc,
  plan: Plan,
  options: ExecuteOptions = {},
): Promise<ChangeResult[]> {
  const now = options.now ?? new Date();
  let done = 0;
  const outcomes = await mapConcurrent(plan.changes, options.concurrency ?? 8, async (change) => {
    let result: ChangeResult;
    try {
      result = { change, done: await runChange(rpc, plan, change, now) };
    } catch (err) {
      result = { change, error: serverErrorLine(err) || 'failed' };
    }
    done += 1;
    options.onProgress?.(done, plan.changes.length, result);
    return result;
  });
  return outcomes.map((o, i) =>
    o.ok ? o.value : { change: plan.changes[i] as PlannedChange, error: errorMessage(o.error) },
  );
}

/** Some changes of an apply failed; the others were made. Running apply again finishes the job. */
export class ApplyIncompleteError extends DurableCronError {
  constructor(
    readonly results: readonly ChangeResult[],
    readonly counts: RpcCounts,
  ) {
    const failed = results.filter((r) => r.error !== undefined);
    const first = failed
      .slice(0, 3)
      .map((r) => `${r.change.action} ${r.change.jobId}: ${r.error}`)
      .join('; ');
    super(
      `apply incomplete: ${failed.length} of ${results.length} change(s) failed (${first}` +
        `${failed.length > 3 ? '; ...' : ''}); ${results.length - failed.length} made. ` +
        'Run apply again to finish.',
    );
  }
}

/** Options for {@link applyJobs}. */
export interface ApplyOptions {
  readonly taskQueue: string;
  /** The file's project, recorded on its schedules; prune deletes only this project's schedules. */
  readonly project: string;
  readonly prune?: boolean;
  readonly concurrency?: number;
  /** The codec key new schedule inputs are encrypted with; undefined: no encryption. */
  readonly encryptionKeyId?: string;
}

/**
 * Plans and applies in one call: creates missing schedules and updates changed ones (with
 * `prune`, also deletes the project's schedules the file no longer has).
 * @returns the changes made, in plan order
 * @throws {ApplyIncompleteError} when some changes failed
 */
export async function applyJobs(
  client: Client,
  file: JobsFile,
  options: ApplyOptions,
): Promise<ApplyChange[]> {
  const rpc = new ScheduleRpc(client);
  const plan = await planApply(rpc, file, options);
  const results = await executePlan(rpc, plan, { concurrency: options.concurrency });
  if (results.some((r) => r.error !== undefined)) throw new ApplyIncompleteError(results, rpc.counts);
  return results.flatMap((r) =>
    r.done === undefined || r.done === 'none' ? [] : [{ jobId: r.change.jobId, action: r.done }],
  );
}
