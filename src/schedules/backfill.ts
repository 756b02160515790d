/**
 * Exactly-once backfill. Temporal starts backfilled runs with an ID-reuse policy that allows
 * duplicates, so a plain backfill over a window that already ran runs those fires again. This
 * computes the window's fire times from the schedule's spec, finds which already have a run
 * (visibility by fire time, then the run's own record for what visibility has not caught up
 * with), and backfills only the rest.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import { UsageError } from '../errors';
import { fireTimesBetween } from '../spec';
import { fireHasRun, fireWorkflowId, runsByFireTime } from './fire-runs';
import { mapConcurrent } from './rpc';
import type { ScheduleRpc } from './schedule-rpc';
import { specModelOf } from './spec-model';

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
  /** Run every fire time, even those that already ran. */
  readonly force?: boolean;
  /** Only report what would run. */
  readonly dryRun?: boolean;
  /** Run-existence checks in flight at once. @default 8 */
  readonly concurrency?: number;
}

/**
 * Backfills the fire times of `description`'s spec in [from, to] that have no run yet (all of
 * them with `force`).
 * @throws {UsageError} when the window holds more than {@link MAX_BACKFILL_FIRES} fire times
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
  const fireTimes = fireTimesBetween(
    specModelOf(description.spec),
    from,
    new Date(to.getTime() + 1),
    MAX_BACKFILL_FIRES + 1,
  );
  if (fireTimes.length > MAX_BACKFILL_FIRES) {
    throw new UsageError(
      `the window ${from.toISOString()} to ${to.toISOString()} holds more than ${MAX_BACKFILL_FIRES} fire times of '${scheduleId}'; use a shorter window`,
    );
  }
  const prefix = description.action.workflowId ?? scheduleId;
  const skipped: { fireTime: Date; workflowId: string }[] = [];
  let missing = fireTimes;
  if (!options.force && fireTimes.length > 0) {
    const runs = await runsByFireTime(client, scheduleId, from, to);
    rpc.counts.list += 1;
    const unseen = fireTimes.filter((t) => !runs.has(t.toISOString()));
    // Visibility lags a run's start by a moment: ask each remaining fire's own record too.
    const checked = await mapConcurrent(unseen, options.concurrency ?? 8, async (t) => {
      rpc.counts.describe += 1;
      return fireHasRun(client, prefix, t);
    });
    const ranNow = new Set<string>();
    checked.forEach((c, i) => {
      if (!c.ok) throw c.error;
      if (c.value) ranNow.add((unseen[i] as Date).toISOString());
    });
    missing = [];
    for (const t of fireTimes) {
      const iso = t.toISOString();
      const seen = runs.get(iso)?.[0]?.workflowId;
      if (seen !== undefined) skipped.push({ fireTime: t, workflowId: seen });
      else if (ranNow.has(iso)) skipped.push({ fireTime: t, workflowId: fireWorkflowId(prefix, t) });
      else missing.push(t);
    }
  }
  if (!options.dryRun && missing.length > 0) {
    const ranges = contiguousRanges(fireTimes, missing);
    await rpc.patch(() =>
      client.schedule.getHandle(scheduleId).backfill(
        ranges.map(([first, last]) => ({
          // The server evaluates a backfill as (start, end]: start a second before the first fire.
          start: new Date(first.getTime() - 1_000),
          end: last,
          overlap: ScheduleOverlapPolicy.ALLOW_ALL,
        })),
      ),
    );
  }
  return { scheduleId, from, to, fireTimes, started: missing, skipped };
}

/**
 * Groups `missing` (a subsequence of `all`, both in order) into runs of consecutive fire
 * times of `all`: a backfill range over such a run starts exactly those fires, and few ranges
 * keep the schedule's backfill buffer small.
 */
export function contiguousRanges(all: readonly Date[], missing: readonly Date[]): [Date, Date][] {
  const isMissing = new Set(missing.map((t) => t.getTime()));
  const ranges: [Date, Date][] = [];
  let current: [Date, Date] | undefined;
  for (const t of all) {
    if (isMissing.has(t.getTime())) {
      if (current) current[1] = t;
      else current = [t, t];
    } else if (current) {
      ranges.push(current);
      current = undefined;
    }
  }
  if (current) ranges.push(current);
  return ranges;
}
