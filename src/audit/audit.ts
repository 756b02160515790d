/**
 * The fire audit: did every fire time the schedule should have produced in a window run exactly
 * once? Expected fires come from the schedule's spec ({@link expectedFireTimes}), actual runs from
 * visibility grouped by nominal fire time ({@link runsByFireTime}).
 */
import {
  ScheduleNotFoundError as SdkScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
} from '@temporalio/client';
import { DurableCronError, ScheduleNotFoundError } from '../errors';
import { and, quote, quoteTime } from '../query';
import { runsByFireTime, type FireRun } from '../schedules/fire-runs';
import { ScheduleRpc } from '../schedules/schedule-rpc';
import { startFiresOnce } from '../schedules/start-fires';
import { SCHEDULED_START_TIME } from '../search-attributes';
import { expectedFireTimes, specModelFromDescription } from './expected';

/** Statuses that mean a run ended without success. */
const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

/** Options of {@link auditJob}. */
export interface AuditOptions {
  readonly from: Date;
  readonly to: Date;
  /** Start the missing fires, each at most once (see `startFiresOnce`). @default false */
  readonly backfillMissing?: boolean;
  /** Also expect fires before the schedule was created. @default false */
  readonly includeBeforeCreation?: boolean;
  /** The current time. @default new Date() */
  readonly now?: Date;
}

/** A fire time with its runs. */
export interface AuditedFire {
  readonly fireTime: string;
  readonly runs: { workflowId: string; runId: string; status: string }[];
}

/** The audit's findings. Fire times are RFC 3339 UTC. */
export interface AuditReport {
  readonly jobId: string;
  readonly from: string;
  /** End of the window actually audited: `to`, or earlier when `to` is in the future. */
  readonly to: string;
  readonly timezone: string;
  /** Fire times the spec produces in the window. */
  readonly expected: number;
  /** Fires with exactly one run. */
  readonly ranOnce: number;
  /** Expected fires without any run that the schedule's policy does not explain. */
  readonly missing: string[];
  /**
   * Expected fires without a run because the overlap policy (`skip`, `buffer-one`) dropped them:
   * they came while `openRun` was still open. Not runs, and not losses the audit fails on.
   */
  readonly skippedByPolicy: { fireTime: string; policy: string; openRun: string }[];
  /**
   * The schedule's own counters since it was created: fires dropped by the overlap policy, and
   * fires missed because the server was down for longer than the catch-up window.
   */
  readonly scheduleCounters: { overlapSkipped: number; missedCatchupWindow: number };
  /** Fires with more than one run. */
  readonly duplicates: AuditedFire[];
  /** Fires whose latest run failed, timed out, was terminated or cancelled (and did not compensate). */
  readonly failed: AuditedFire[];
  /** Fires whose run compensated (outcome `compensated`). */
  readonly compensated: AuditedFire[];
  /** Runs for fire times the spec does not produce (e.g. after a spec change). */
  readonly unexpected: AuditedFire[];
  /** Fires not expected because the schedule did not exist yet or is paused (not missing). */
  readonly notExpected: { fireTime: string; reason: 'before-creation' | 'paused' }[];
  /** Missing fires whose run this audit started (with `backfillMissing`). */
  readonly backfilled: string[];
  /**
   * Missing fires whose run someone else started first, found when starting them (with
   * `backfillMissing`): a concurrent backfill or audit, or the schedule itself. Not started again.
   */
  readonly alreadyStarted: string[];
  /** True when nothing is missing (or every missing fire now has a run) and nothing ran twice. */
  readonly ok: boolean;
}

/** The audit found missing or doubled fires; the report has been printed. */
export class AuditProblemsError extends DurableCronError {
  override readonly exitCode = 3;
}

/** Margin after a fire before its run is expected to be visible. */
const SETTLE_MS = 5_000;

/**
 * Audits the fires of `jobId` in [from, to]; with `backfillMissing`, starts each missing fire
 * unless a run of it appeared meanwhile (concurrent audits never start a fire twice).
 * @throws {ScheduleNotFoundError} when the schedule does not exist
 * @throws {FireStartIncompleteError} when some missing fires could not be started
 */
export async function auditJob(
  client: Client,
  namespace: string,
  jobId: string,
  options: AuditOptions,
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
  const model = specModelFromDescription(description.spec);
  // A fire in the last moments may not have started (jitter) or be visible yet.
  const settle = new Date(now.getTime() - (description.spec.jitter ?? 0) - SETTLE_MS);
  const to = options.to < settle ? options.to : settle;
  const expected = options.from <= to ? expectedFireTimes(model, options.from, to) : [];

  const [byFire, compensatedIds] = await Promise.all([
    runsByFireTime(client, jobId, options.from, to),
    compensatedWorkflowIds(client, jobId, options.from, to),
  ]);
  const pausedSince = description.state.paused
    ? (description.info.lastUpdatedAt ?? description.info.createdAt)
    : undefined;
  const view = (fireTime: string, runs: FireRun[]): AuditedFire => ({
    fireTime,
    runs: runs.map((r) => ({ workflowId: r.workflowId, runId: r.runId, status: r.status })),
  });

  const policy = description.policies.overlap;
  const dropsFires = policy === ScheduleOverlapPolicy.SKIP || policy === ScheduleOverlapPolicy.BUFFER_ONE;
  // Runs by nominal fire time, for finding the run that was open when a fire was dropped.
  const runsInOrder = dropsFires
    ? [...byFire.values()].flat().sort((a, b) => Date.parse(a.fireTime) - Date.parse(b.fireTime))
    : [];
  // Under `skip`/`buffer-one` at most one run is open at a time: the run of the latest earlier fire.
  // Its nominal fire time counts, not its start: a busy scheduler may start that run after this
  // fire's nominal time, yet before it handles this fire (and drops it).
  const openRunAt = (fire: Date): FireRun | undefined => {
    let lo = 0;
    let hi = runsInOrder.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Date.parse((runsInOrder[mid] as FireRun).fireTime) < fire.getTime()) lo = mid + 1;
      else hi = mid;
    }
    const latest = runsInOrder[lo - 1];
    return latest && (latest.closeTime === undefined || latest.closeTime > fire) ? latest : undefined;
  };
  const missing: Date[] = [];
  const skippedByPolicy: AuditReport['skippedByPolicy'] = [];
  const notExpected: AuditReport['notExpected'] = [];
  const duplicates: AuditedFire[] = [];
  const failed: AuditedFire[] = [];
  const compensated: AuditedFire[] = [];
  let ranOnce = 0;
  const expectedKeys = new Set<string>();
  for (const fire of expected) {
    const key = fire.toISOString();
    expectedKeys.add(key);
    const runs = byFire.get(key) ?? [];
    if (runs.length === 0) {
      if (!options.includeBeforeCreation && fire < description.info.createdAt) {
        notExpected.push({ fireTime: key, reason: 'before-creation' });
      } else if (pausedSince && fire >= pausedSince) {
        notExpected.push({ fireTime: key, reason: 'paused' });
      } else {
        const open = openRunAt(fire);
        if (open)
          skippedByPolicy.push({ fireTime: key, policy: policyName(policy), openRun: open.workflowId });
        else missing.push(fire);
      }
      continue;
    }
    if (runs.length === 1) ranOnce++;
    else duplicates.push(view(key, runs));
    const latest = [...runs].sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).at(-1);
    if (latest && compensatedIds.has(latest.runId)) compensated.push(view(key, [latest]));
    else if (latest && UNSUCCESSFUL.has(latest.status)) failed.push(view(key, [latest]));
  }
  const unexpected = [...byFire.entries()]
    .filter(([key]) => !expectedKeys.has(key))
    .map(([key, runs]) => view(key, runs));

  const backfilled: string[] = [];
  const alreadyStarted: string[] = [];
  if (options.backfillMissing && missing.length > 0) {
    const started = await startFiresOnce(new ScheduleRpc(client), description, missing);
    backfilled.push(...started.started.map((d) => d.toISOString()));
    alreadyStarted.push(...started.skipped.map((s) => s.fireTime.toISOString()));
  }
  return {
    jobId,
    from: options.from.toISOString(),
    to: to.toISOString(),
    timezone: model.timeZone,
    expected: expected.length,
    ranOnce,
    missing: missing.map((d) => d.toISOString()),
    skippedByPolicy,
    scheduleCounters: {
      overlapSkipped: description.info.numActionsSkippedOverlap,
      missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
    },
    duplicates,
    failed,
    compensated,
    unexpected,
    notExpected,
    backfilled,
    alreadyStarted,
    ok: duplicates.length === 0 && missing.length === backfilled.length + alreadyStarted.length,
  };
}

/** The jobs-file spelling of an overlap policy (`SKIP` → `skip`, `BUFFER_ONE` → `buffer-one`). */
function policyName(policy: string | undefined): string {
  return (policy ?? 'SKIP').toLowerCase().replace(/_/g, '-');
}

/** Run ids of the job's runs in the window whose outcome is `compensated`. */
async function compensatedWorkflowIds(
  client: Client,
  jobId: string,
  from: Date,
  to: Date,
): Promise<Set<string>> {
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
