/**
 * Planning `apply`: what must be created, updated (and which fields changed) or deleted to make
 * Temporal's schedules match a jobs file. One list call (a page per 1,000 schedules) reads every
 * schedule's definition hash and pause state; only schedules the list shows as out of date are
 * described, since the list is eventually consistent and describe is not.
 *
 * Schedules belong to the project of the jobs file that last applied them (kept in their sync
 * record), so files of several projects can share a namespace: prune deletes only schedules of the
 * file's own project, and a job whose schedule another project holds moves it to this one.
 */
import type { ScheduleDescription, ScheduleOptions, ScheduleSummary } from '@temporalio/client';
import type { Job, JobsFile } from '../jobs/schema';
import { quote } from '../query';
import { MANAGED_BY, MANAGED_BY_VALUE } from '../search-attributes';
import { scheduleOptionsFor } from './build';
import {
  builtDefinition,
  changedFields,
  describedDefinition,
  hashDefinition,
  storedEncryptionKey,
  syncOf,
  withEncryptionKey,
} from './definition';
import { mapConcurrent } from './rpc';
import type { ScheduleRpc } from './schedule-rpc';

/** One change of a plan. */
export interface PlannedChange {
  readonly jobId: string;
  readonly action: 'create' | 'update' | 'delete';
  /** For updates: the changed fields, e.g. `spec.calendars`, `action.args`, `state.paused`. */
  readonly fields?: readonly string[];
  /** For updates of a schedule durable-cron did not create: it is taken over. */
  readonly adopt?: boolean;
  /** For updates of a schedule recorded under another project (or none): it moves to this one. */
  readonly project?: ProjectMove;
}

/** A schedule moving between projects. */
export interface ProjectMove {
  /** The project it had; undefined when it had no project record (an older version made it). */
  readonly from?: string;
  readonly to: string;
}

/** A job with the schedule built from it. */
export interface BuiltJob {
  readonly job: Job;
  readonly options: ScheduleOptions;
  readonly hash: string;
  /** The codec key the schedule's input is encrypted with; undefined without encryption. */
  readonly encryptionKeyId?: string;
}

/** What apply will do. */
export interface Plan {
  /** The project whose schedules the plan creates, updates and prunes. */
  readonly project: string;
  readonly changes: readonly PlannedChange[];
  /** Job ids whose schedules already match. */
  readonly unchanged: readonly string[];
  /** Built schedules by job id. */
  readonly built: ReadonlyMap<string, BuiltJob>;
  /**
   * With prune: managed schedules not in the file that have no project record (written before
   * projects existed). Prune never deletes them, since any project's file may have made them.
   */
  readonly unowned: readonly string[];
}

/** Options for {@link planApply}. */
export interface PlanOptions {
  readonly taskQueue: string;
  /** The file's project, recorded on every schedule it creates or updates. */
  readonly project: string;
  /** Also delete managed schedules of the project that the file no longer has. */
  readonly prune?: boolean;
  /** Describe calls in flight at once. @default 8 */
  readonly concurrency?: number;
  /** The codec key new schedule inputs are encrypted with (the newest configured); undefined: no encryption. */
  readonly encryptionKeyId?: string;
}

/** The visibility query for schedules durable-cron manages. */
export const MANAGED_QUERY = `${MANAGED_BY.name} = ${quote(MANAGED_BY_VALUE)}`;

/** Builds every job's schedule and its definition hash. */
export function buildJobs(
  file: JobsFile,
  taskQueue: string,
  encryptionKeyId?: string,
): Map<string, BuiltJob> {
  const built = new Map<string, BuiltJob>();
  for (const job of file.jobs) {
    const options = scheduleOptionsFor(job, taskQueue, file.calendars);
    const hash = hashDefinition(withEncryptionKey(builtDefinition(options), encryptionKeyId));
    built.set(job.id, { job, options, hash, ...(encryptionKeyId !== undefined ? { encryptionKeyId } : {}) });
  }
  return built;
}

/** State fields the file sets that differ from the schedule's (paused, note). */
export function stateChanges(job: Job, state: { paused: boolean; note?: string }): string[] {
  const changes: string[] = [];
  if (job.paused !== undefined && job.paused !== state.paused) changes.push('state.paused');
  // A schedule paused outside the file keeps its pause note unless the file controls pausing.
  const controlsNote = job.paused !== undefined || !state.paused;
  if (job.note !== undefined && controlsNote && job.note !== (state.note ?? '')) changes.push('state.note');
  return changes;
}

function upToDate(b: BuiltJob, listed: ScheduleSummary | undefined, project: string): boolean {
  if (listed === undefined) return false;
  const sync = syncOf(listed);
  return sync.hash === b.hash && sync.project === project && stateChanges(b.job, listed.state).length === 0;
}

/**
 * The update a described schedule needs to match its job and belong to `project`, or undefined
 * when it matches.
 */
export function changeFor(b: BuiltJob, d: ScheduleDescription, project: string): PlannedChange | undefined {
  const fields: string[] = [];
  const sync = syncOf(d);
  if (sync.hash !== b.hash) {
    const diff = changedFields(
      withEncryptionKey(builtDefinition(b.options), b.encryptionKeyId),
      withEncryptionKey(describedDefinition(d, b.options), storedEncryptionKey(d)),
    );
    // Same meaning but no (or an old) hash on the schedule: write the record so the next apply is free.
    fields.push(...(diff.length > 0 ? diff : ['scheduleSync']));
  }
  fields.push(...stateChanges(b.job, d.state));
  const moved = sync.project !== project;
  if (moved) fields.push('project');
  if (fields.length === 0) return undefined;
  fields.sort();
  const adopt = d.typedSearchAttributes.get(MANAGED_BY) !== MANAGED_BY_VALUE;
  return {
    jobId: b.job.id,
    action: 'update',
    fields,
    ...(adopt ? { adopt } : {}),
    ...(moved ? { project: { ...(sync.project ? { from: sync.project } : {}), to: project } } : {}),
  };
}

/** Whether a listed or described schedule is durable-cron's and recorded under `project`. */
function ownedBy(s: Pick<ScheduleSummary, 'typedSearchAttributes'>, project: string): boolean {
  return s.typedSearchAttributes?.get(MANAGED_BY) === MANAGED_BY_VALUE && syncOf(s).project === project;
}

/**
 * Plans apply: creates for missing schedules, updates for changed ones (and for schedules of
 * another project, which move to this one), and with `prune` deletes for managed schedules of
 * the project that are not in the file: never for schedules of another project, with no project
 * record, or that durable-cron did not create. Prune candidates are described before they are
 * planned, so a schedule the lagging list still shows under this project is not deleted.
 * @throws the first error of a list or describe call (after retries)
 */
export async function planApply(rpc: ScheduleRpc, file: JobsFile, options: PlanOptions): Promise<Plan> {
  const built = buildJobs(file, options.taskQueue, options.encryptionKeyId);
  // All schedules, not only managed ones: a job whose id a foreign schedule holds is adopted.
  const listed = new Map((await rpc.list()).map((s) => [s.scheduleId, s]));
  // A job the list does not show is planned as a create without a describe; if the list lagged
  // behind a schedule created a moment ago, the create fails and apply compares and updates.
  const toDescribe = [...built.values()].filter(
    (b) => listed.has(b.job.id) && !upToDate(b, listed.get(b.job.id), options.project),
  );
  const described = await mapConcurrent(toDescribe, options.concurrency ?? 8, (b) => rpc.describe(b.job.id));
  const changeOf = new Map<string, PlannedChange | undefined>();
  toDescribe.forEach((b, i) => {
    const result = described[i];
    if (!result?.ok) throw result?.error;
    const d = result.value;
    changeOf.set(
      b.job.id,
      d === undefined ? { jobId: b.job.id, action: 'create' } : changeFor(b, d, options.project),
    );
  });
  const changes: PlannedChange[] = [];
  const unchanged: string[] = [];
  for (const id of built.keys()) {
    const change = listed.has(id) ? changeOf.get(id) : { jobId: id, action: 'create' as const };
    if (change) changes.push(change);
    else unchanged.push(id);
  }
  const unowned: string[] = [];
  if (options.prune) {
    const dropped = [...listed.values()].filter((s) => !built.has(s.scheduleId));
    const candidates = dropped.filter((s) => ownedBy(s, options.project)).map((s) => s.scheduleId);
    const confirmed = await mapConcurrent(candidates, options.concurrency ?? 8, (id) => rpc.describe(id));
    candidates.forEach((id, i) => {
      const result = confirmed[i];
      if (!result?.ok) throw result?.error;
      if (result.value && ownedBy(result.value, options.project))
        changes.push({ jobId: id, action: 'delete' });
    });
    for (const s of dropped) {
      const managed = s.typedSearchAttributes?.get(MANAGED_BY) === MANAGED_BY_VALUE;
      if (managed && syncOf(s).project === undefined) unowned.push(s.scheduleId);
    }
    unowned.sort();
  }
  return { project: options.project, changes, unchanged, built, unowned };
}
