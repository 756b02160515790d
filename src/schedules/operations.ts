/**
 * Operations on one schedule: pause (recording when), unpause with optional catch-up of the
 * fires skipped while paused, trigger, delete. An unknown schedule id is a
 * {@link ScheduleNotFoundError} naming the id, raised before anything changes.
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import { ScheduleNotFoundError } from '../errors';
import { SCHEDULE_SYNC } from '../search-attributes';
import { backfillExactlyOnce, type BackfillReport } from './backfill';
import { encodeSync, syncOf } from './definition';
import type { ScheduleRpc } from './schedule-rpc';

/** Describes a schedule. @throws {ScheduleNotFoundError} */
export async function describeOrThrow(
  rpc: ScheduleRpc,
  scheduleId: string,
  namespace: string,
): Promise<ScheduleDescription> {
  const d = await rpc.describe(scheduleId);
  if (!d) throw new ScheduleNotFoundError(scheduleId, namespace);
  return d;
}

function syncAttributes(d: ScheduleDescription, pausedAt: Date | undefined) {
  const others = d.typedSearchAttributes.getAll().filter((p) => p.key.name !== SCHEDULE_SYNC.name);
  const record = { ...syncOf(d), pausedAt };
  return record.hash === undefined && record.project === undefined && pausedAt === undefined
    ? others
    : [...others, { key: SCHEDULE_SYNC, value: encodeSync(record) }];
}

/** Result of {@link pauseSchedule}. */
export interface PauseResult {
  readonly scheduleId: string;
  /** False when it was paused already (its recorded pause start is kept). */
  readonly changed: boolean;
  readonly pausedAt?: Date;
}

/**
 * Pauses a schedule and records when (in its `scheduleSync` attribute), so `unpause --catch-up`
 * knows which fires the pause skipped. Pausing a paused schedule only replaces the note.
 * @throws {ScheduleNotFoundError}
 */
export async function pauseSchedule(
  rpc: ScheduleRpc,
  scheduleId: string,
  namespace: string,
  options: { note?: string; now?: Date } = {},
): Promise<PauseResult> {
  const d = await describeOrThrow(rpc, scheduleId, namespace);
  const already = d.state.paused;
  const pausedAt = already ? syncOf(d).pausedAt : (options.now ?? new Date());
  const note = options.note ?? (already ? d.state.note : 'paused with durable-cron');
  await rpc.update(scheduleId, (prev) => ({
    ...prev,
    state: { ...prev.state, paused: true, note },
    searchAttributes: undefined,
    typedSearchAttributes: syncAttributes(prev, pausedAt),
  }));
  return { scheduleId, changed: !already, pausedAt };
}

/** Result of {@link unpauseSchedule}. */
export interface UnpauseResult {
  readonly scheduleId: string;
  readonly changed: boolean;
  /** With catch-up: where the skipped window starts and how that was found. */
  readonly catchUp?: BackfillReport & { readonly since: 'recorded pause' | 'last run' | 'creation' };
}

/**
 * Unpauses a schedule. With `catchUp`, backfills each fire time skipped while it was paused,
 * exactly once: from the recorded pause start (or, for a schedule paused outside durable-cron,
 * from its last run, else its creation) until the moment of unpausing; fires that already have
 * a run are left alone.
 * @throws {ScheduleNotFoundError}
 */
export async function unpauseSchedule(
  client: Client,
  rpc: ScheduleRpc,
  scheduleId: string,
  namespace: string,
  options: { note?: string; catchUp?: boolean; now?: () => Date } = {},
): Promise<UnpauseResult> {
  const now = options.now ?? (() => new Date());
  const d = await describeOrThrow(rpc, scheduleId, namespace);
  const recorded = syncOf(d).pausedAt;
  const lastRun = d.info.recentActions.at(-1)?.scheduledAt;
  const until = now();
  if (!d.state.paused && options.note === undefined) return { scheduleId, changed: false };
  await rpc.update(scheduleId, (prev) => ({
    ...prev,
    state: { ...prev.state, paused: false, note: options.note ?? '' },
    searchAttributes: undefined,
    typedSearchAttributes: syncAttributes(prev, undefined),
  }));
  const result = { scheduleId, changed: d.state.paused };
  if (!options.catchUp || !d.state.paused) return result;
  const [from, since] = recorded
    ? ([recorded, 'recorded pause'] as const)
    : lastRun
      ? ([new Date(lastRun.getTime() + 1_000), 'last run'] as const)
      : ([d.info.createdAt, 'creation'] as const);
  // Fires from `until` on are the schedule's own again; the window ends just before.
  const report = await backfillExactlyOnce(client, rpc, d, from, new Date(until.getTime() - 1));
  return { ...result, catchUp: { ...report, since } };
}

/**
 * Runs the schedule's action now; returns the started run's workflow id when it shows up
 * within `waitMs`.
 * @throws {ScheduleNotFoundError}
 */
export async function triggerSchedule(
  rpc: ScheduleRpc,
  scheduleId: string,
  namespace: string,
  waitMs = 10_000,
): Promise<{ scheduleId: string; workflowId?: string }> {
  const before = await describeOrThrow(rpc, scheduleId, namespace);
  const last = before.info.recentActions.at(-1)?.action.workflow.workflowId;
  const handle = rpc.client.schedule.getHandle(scheduleId);
  await rpc.patch(() => handle.trigger());
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const latest = (await rpc.describe(scheduleId))?.info.recentActions.at(-1)?.action.workflow.workflowId;
    if (latest !== undefined && latest !== last) return { scheduleId, workflowId: latest };
    await new Promise((done) => setTimeout(done, 200));
  }
  return { scheduleId };
}

/** Deletes a schedule. @throws {ScheduleNotFoundError} */
export async function deleteSchedule(rpc: ScheduleRpc, scheduleId: string, namespace: string): Promise<void> {
  if (!(await rpc.delete(scheduleId))) throw new ScheduleNotFoundError(scheduleId, namespace);
}
