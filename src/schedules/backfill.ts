/**
 * Exactly-once backfill. Temporal's own backfill starts runs with an ID-reuse policy that allows
 * duplicates, so backfilling a window that already ran runs those fires again, and checking first
 * races with anyone else starting the same fires. This computes the window's fire times from the
 * schedule's spec, leaves out those visibility already shows a run for, and starts the rest itself
 * with {@link startFiresOnce}, where the server refuses a second run of a fire.
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import { UsageError } from '../errors';
import { formatFireTime } from '../rfc3339';
import { runsByFireTime } from './fire-runs';
import { nominalFireTimes, serverSchedule } from './matching-times';
import type { ScheduleRpc } from './schedule-rpc';
import { startFiresOnce } from './start-fires';

/** At most this many fire times per backfill. */
export const MAX_BACKFILL_FIRES = 10_000;

/** What a backfill ran and skipped. */
export interface BackfillReport {
  readonly scheduleId: string;
  readonly from: Date;
  readonly to: Date;
  /** Every fire time of the spec in [from, to]. */
  readonly fireTimes: readonly Date[];
  /** Fire times backfilled now. */
  readonly started: readonly Date[];
  /** Fire times skipped because a run exists, with that run's workflow id. */
  readonly skipped: readonly { fireTime: Date; workflowId: string }[];
}

/** Options for {@link backfillExactlyOnce}. */
export interface BackfillOptions {
  /**
   * Run every fire time, even those that already ran (a fire whose run is still open is skipped).
   * Concurrent forced backfills can each run a fire.
   */
  readonly force?: boolean;
  /** Only report what would run. */
  readonly dryRun?: boolean;
  /** Starts (or checks) in flight at once. @default 8 */
  readonly concurrency?: number;
}

/**
 * Runs the fire times of `description`'s spec in [from, to] that have no run yet (all of them
 * with `force`), each at most once even when other backfills or the schedule itself start the
 * same fires concurrently.
 * @throws {UsageError} when the window holds more than {@link MAX_BACKFILL_FIRES} fire times
 * @throws {FireStartIncompleteError} when some starts failed (the others were made)
 */
export async function backfillExactlyOnce(
  client: Client,
  rpc: ScheduleRpc,
  description: ScheduleDescription,
  from: Date,
  to: Date,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const scheduleId = description.scheduleId;
  const fireTimes = await rpc.counted(() =>
    nominalFireTimes(serverSchedule(client, description), from, to, MAX_BACKFILL_FIRES + 1),
  );
  if (fireTimes.length > MAX_BACKFILL_FIRES) {
    throw new UsageError(
      `the window ${formatFireTime(from)} to ${formatFireTime(to)} holds more than ${MAX_BACKFILL_FIRES} fire times of '${scheduleId}'; use a shorter window`,
    );
  }
  const skipped: { fireTime: Date; workflowId: string }[] = [];
  let candidates = fireTimes;
  if (!options.force && fireTimes.length > 0) {
    // Visibility also finds runs under another workflow id (e.g. started before the action's
    // workflowId changed), which the start's id check cannot see.
    const runs = await rpc.counted(() => runsByFireTime(client, scheduleId, from, to));
    candidates = [];
    for (const t of fireTimes) {
      const seen = runs.get(t.toISOString())?.[0]?.workflowId;
      if (seen === undefined) candidates.push(t);
      else skipped.push({ fireTime: t, workflowId: seen });
    }
  }
  const result = await startFiresOnce(rpc, description, candidates, options);
  skipped.push(...result.skipped);
  skipped.sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime());
  return { scheduleId, from, to, fireTimes, started: result.started, skipped };
}
