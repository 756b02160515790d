/**
 * Runs of a schedule grouped by nominal fire time: the basis of exactly-once backfill (start only
 * fires that have no run) and of the fire audit (find missing and doubled fires).
 */
import { ScheduleOverlapPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, quote, quoteTime } from '../query';
import { SCHEDULED_START_TIME } from '../search-attributes';
import { formatFireTime } from '../rfc3339';
/** One run of a scheduled job. */
export interface FireRun {
  readonly workflowId: string;
  readonly runId: string;
  /** Nominal fire time, RFC 3339 UTC with milliseconds. */
  readonly fireTime: string;
  /** Temporal status name, e.g. COMPLETED, FAILED, RUNNING. */
  readonly status: string;
  readonly startTime: Date;
  readonly closeTime?: Date;
}

/**
 * The workflow id Temporal gives the run of `prefix` (the schedule action's workflowId, our job id)
 * for a nominal fire time: `<prefix>-<RFC 3339, whole seconds, Z>`.
 */
export function fireWorkflowId(prefix: string, fireTime: Date): string {
  // Temporal names a scheduled run by its fire time in whole seconds.
  return `${prefix}-${formatFireTime(new Date(Math.floor(fireTime.getTime() / 1000) * 1000))}`;
}

/**
 * All runs the schedule started for nominal fire times in [from, to], keyed by fire time (ISO).
 * Duplicates of one fire (e.g. a plain backfill over a closed run) appear as several entries.
 * Reads visibility, which can lag a run's start by a moment.
 */
export async function runsByFireTime(
  client: Client,
  scheduleId: string,
  from: Date,
  to: Date,
): Promise<Map<string, FireRun[]>> {
  // Visibility stores datetimes in a form that does not compare equal to a whole-second literal
  // (SQLite: `= '…T22:00:00Z'` misses a 22:00:00 fire), so query a padded window and filter here.
  const query = and(
    `TemporalScheduledById = ${quote(scheduleId)}`,
    `TemporalScheduledStartTime >= ${quoteTime(new Date(from.getTime() - 1_000))}`,
    `TemporalScheduledStartTime <= ${quoteTime(new Date(to.getTime() + 1_000))}`,
  );
  const byFire = new Map<string, FireRun[]>();
  for await (const wf of client.workflow.list({ query })) {
    const scheduled = wf.typedSearchAttributes.get(SCHEDULED_START_TIME);
    if (!scheduled || scheduled < from || scheduled > to) continue;
    const run: FireRun = {
      workflowId: wf.workflowId,
      runId: wf.runId,
      fireTime: scheduled.toISOString(),
      status: wf.status.name,
      startTime: wf.startTime,
      closeTime: wf.closeTime,
    };
    const list = byFire.get(run.fireTime) ?? [];
    list.push(run);
    byFire.set(run.fireTime, list);
  }
  return byFire;
}

/**
 * True when a run with the fire's workflow id exists. Unlike visibility this is read from the
 * workflow's own record, so a run started a moment ago is seen.
 */
export async function fireHasRun(client: Client, prefix: string, fireTime: Date): Promise<boolean> {
  try {
    await client.workflow.getHandle(fireWorkflowId(prefix, fireTime)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Temporal's own backfill of exactly these nominal fire times (each must be one the spec
 * produces). Not exactly-once: the server starts backfilled runs with ID-reuse policy
 * ALLOW_DUPLICATE, so a fire whose run closed runs again; durable-cron's commands start fires with
 * `startFiresOnce` (start-fires.ts) instead. The server evaluates a backfill range as
 * (start, end], so each fire gets [fire - 1 s, fire].
 */
export async function backfillFireTimes(
  client: Client,
  scheduleId: string,
  fireTimes: readonly Date[],
): Promise<void> {
  if (fireTimes.length === 0) return;
  await client.schedule.getHandle(scheduleId).backfill(
    fireTimes.map((fire) => ({
      start: new Date(fire.getTime() - 1_000),
      end: fire,
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    })),
  );
}
