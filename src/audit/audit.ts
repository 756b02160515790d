/**
 * The fire audit: did every fire time the schedule should have produced in a window run exactly
 * once? Expected fires come from the server ({@link serverFireChunks}), actual runs from
 * visibility grouped by nominal fire time ({@link runsByFireTime}). The window is walked in
 * consecutive chunks of at most {@link AUDIT_CHUNK_FIRES} expected fires, so memory follows the
 * problems found, not the length of the window.
 */
import { ScheduleNotFoundError as SdkScheduleNotFoundError, type Client } from '@temporalio/client';
import { DurableCronError, ScheduleNotFoundError } from '../errors';
import { and, quote, quoteTime } from '../query';
import { runsByFireTime } from '../schedules/fire-runs';
import { ScheduleRpc } from '../schedules/schedule-rpc';
import { startFiresOnce } from '../schedules/start-fires';
import { SCHEDULED_START_TIME } from '../search-attributes';
import { formatFireTime } from '../rfc3339';
import { serverFireChunks, serverSchedule } from './expected';
import type { AuditOptions, AuditReport, AuditedFire } from './report';
import { AuditTally } from './tally';

export type { AuditOptions, AuditReport, AuditedFire, NotExpectedFire } from './report';
export { NOT_EXPECTED_SAMPLE } from './report';

/** The audit found missing or doubled fires; the report has been printed. */
export class AuditProblemsError extends DurableCronError {
  override readonly exitCode = 3;
}

/** Margin after a fire before its run is expected to be visible. */
const SETTLE_MS = 5_000;

/**
 * Expected fires per chunk of the window. Each chunk costs one visibility query for its runs and
 * one for its compensated runs, and holds its fires and runs in memory until compared. 5,000 keeps
 * that to a few MB, and keeps every window of up to 5,000 fires (an hour of a per-second job, a
 * few days of a per-minute one) to a single chunk, with the same queries as without chunks.
 */
export const AUDIT_CHUNK_FIRES = 5_000;

/** How {@link auditJobInChunks} walks the window. */
export interface AuditWalk {
  /** Expected fires per chunk at most. @default AUDIT_CHUNK_FIRES */
  readonly chunkFires?: number;
  /** Called as each chunk is audited, with its bounds (inclusive) and its number of expected fires. */
  readonly onChunk?: (chunk: { from: Date; to: Date; fires: number }) => void;
}

/**
 * Audits the fires of `jobId` in [from, to]; with `backfillMissing`, starts each missing fire
 * unless a run of it appeared meanwhile (concurrent audits never start a fire twice).
 * @throws {ScheduleNotFoundError} when the schedule does not exist
 * @throws {FireStartIncompleteError} when some missing fires could not be started
 */
export function auditJob(
  client: Client,
  namespace: string,
  jobId: string,
  options: AuditOptions,
): Promise<AuditReport> {
  return auditJobInChunks(client, namespace, jobId, options, {});
}

/**
 * {@link auditJob} with a chosen walk of the window: tests force small chunks to cross chunk
 * boundaries, benchmarks watch the chunks go by. The report does not depend on the chunk size.
 * @throws {ScheduleNotFoundError} when the schedule does not exist
 * @throws {FireStartIncompleteError} when some missing fires could not be started
 */
export async function auditJobInChunks(
  client: Client,
  namespace: string,
  jobId: string,
  options: AuditOptions,
  walk: AuditWalk,
): Promise<AuditReport> {
  const now = options.now ?? new Date();
  const handle = client.schedule.getHandle(jobId);
  let description: Awaited<ReturnType<typeof handle.describe>>;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof SdkScheduleNotFoundError) throw new ScheduleNotFoundError(jobId, namespace);
    throw err;
  }
  // A fire in the last moments may not have started (jitter) or be visible yet.
  const settle = new Date(now.getTime() - (description.spec.jitter ?? 0) - SETTLE_MS);
  const to = options.to < settle ? options.to : settle;
  const tally = new AuditTally({
    createdAt: description.info.createdAt,
    pausedSince: description.state.paused
      ? (description.info.lastUpdatedAt ?? description.info.createdAt)
      : undefined,
    overlap: description.policies.overlap,
    includeBeforeCreation: options.includeBeforeCreation ?? false,
  });

  const nextChunk = serverFireChunks(
    serverSchedule(client, description),
    walk.chunkFires ?? AUDIT_CHUNK_FIRES,
  );
  // Each chunk is [start, end] to the millisecond and the next starts 1 ms later: the runs listed
  // for a chunk are cut to exactly its bounds, so a run near a boundary counts in one chunk only.
  for (let start = options.from; start <= to;) {
    const { fires, end } = await nextChunk(start, to);
    walk.onChunk?.({ from: start, to: end, fires: fires.length });
    const [byFire, compensated] = await Promise.all([
      runsByFireTime(client, jobId, start, end),
      compensatedRunIds(client, jobId, start, end),
    ]);
    tally.add(fires, byFire, compensated);
    start = new Date(end.getTime() + 1);
  }

  const backfilled: string[] = [];
  const alreadyStarted: string[] = [];
  const missing = tally.missing;
  if (options.backfillMissing && missing.length > 0) {
    const started = await startFiresOnce(new ScheduleRpc(client), description, missing);
    backfilled.push(...started.started.map(formatFireTime));
    alreadyStarted.push(...started.skipped.map((s) => formatFireTime(s.fireTime)));
  }
  // Every time in the report in the one form users read fire times in (as in run ids).
  const fired = (list: readonly AuditedFire[]) =>
    list.map((f) => ({ ...f, fireTime: formatFireTime(f.fireTime) }));
  return {
    jobId,
    from: formatFireTime(options.from),
    to: formatFireTime(to),
    timezone: description.spec.timezone ?? 'UTC',
    expected: tally.expected,
    ranOnce: tally.ranOnce,
    missing: missing.map(formatFireTime),
    skippedByPolicy: tally.skippedByPolicy.map((s) => ({ ...s, fireTime: formatFireTime(s.fireTime) })),
    scheduleCounters: {
      overlapSkipped: description.info.numActionsSkippedOverlap,
      missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
    },
    duplicates: fired(tally.duplicates),
    failed: fired(tally.failed),
    compensated: fired(tally.compensated),
    unexpected: fired(tally.unexpected),
    notExpected: tally.notExpected.map((n) => ({ ...n, fireTime: formatFireTime(n.fireTime) })),
    notExpectedCount: tally.notExpectedCount,
    notExpectedTruncated: tally.notExpectedCount > tally.notExpected.length,
    backfilled,
    alreadyStarted,
    ok: tally.duplicates.length === 0 && missing.length === backfilled.length + alreadyStarted.length,
  };
}

/** Run ids of the job's runs in [from, to] whose outcome is `compensated`. */
async function compensatedRunIds(client: Client, jobId: string, from: Date, to: Date): Promise<Set<string>> {
  const query = and(
    `TemporalScheduledById = ${quote(jobId)}`,
    `outcome = ${quote('compensated')}`,
    `TemporalScheduledStartTime >= ${quoteTime(new Date(from.getTime() - 1_000))}`,
    `TemporalScheduledStartTime <= ${quoteTime(new Date(to.getTime() + 1_000))}`,
  );
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query })) {
    const fire = wf.typedSearchAttributes.get(SCHEDULED_START_TIME);
    if (fire && fire >= from && fire <= to) ids.add(wf.runId);
  }
  return ids;
}
