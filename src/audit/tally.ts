/**
 * The audit's comparison, one chunk of the window at a time: a chunk's expected fires against the
 * runs of that chunk. Only counters and the problem lists outlive a chunk, plus the latest run
 * seen, which the overlap-policy check of later chunks needs.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { FireRun } from '../schedules/fire-runs';
import { NOT_EXPECTED_SAMPLE, type AuditedFire, type AuditReport, type NotExpectedFire } from './report';

/** Statuses that mean a run ended without success. */
const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

/** What the tally needs to know about the schedule. */
export interface TallySchedule {
  readonly createdAt: Date;
  /** Set when the schedule is paused now: when it was paused (its last update). */
  readonly pausedSince?: Date;
  readonly overlap: ScheduleOverlapPolicy | undefined;
  /** Also expect fires before the schedule was created. */
  readonly includeBeforeCreation: boolean;
}

/**
 * Counters and problem lists of an audit, fed chunk by chunk in time order with {@link add}.
 * Chunks must not overlap and must come in order: a run counts once, and the open run a fire
 * was dropped for may be in an earlier chunk.
 */
export class AuditTally {
  expected = 0;
  ranOnce = 0;
  notExpectedCount = 0;
  readonly missing: Date[] = [];
  readonly skippedByPolicy: AuditReport['skippedByPolicy'] = [];
  readonly notExpected: NotExpectedFire[] = [];
  readonly duplicates: AuditedFire[] = [];
  readonly failed: AuditedFire[] = [];
  readonly compensated: AuditedFire[] = [];
  readonly unexpected: AuditedFire[] = [];
  private readonly dropsFires: boolean;
  private readonly policy: string;
  /** The run with the latest nominal fire time in the chunks so far. */
  private latestRun: FireRun | undefined;

  constructor(private readonly schedule: TallySchedule) {
    const overlap = schedule.overlap;
    this.dropsFires = overlap === ScheduleOverlapPolicy.SKIP || overlap === ScheduleOverlapPolicy.BUFFER_ONE;
    this.policy = policyName(overlap);
  }

  /**
   * Compares one chunk: its expected fires, in order, with every run whose nominal fire time lies
   * in the chunk (keyed by ISO fire time) and the run ids among them that compensated.
   */
  add(
    fires: readonly Date[],
    byFire: ReadonlyMap<string, FireRun[]>,
    compensatedRunIds: ReadonlySet<string>,
  ): void {
    const { createdAt, pausedSince, includeBeforeCreation } = this.schedule;
    // Runs by nominal fire time, for finding the run that was open when a fire was dropped.
    const runsInOrder = this.dropsFires
      ? [...byFire.values()].flat().sort((a, b) => Date.parse(a.fireTime) - Date.parse(b.fireTime))
      : [];
    // Under `skip`/`buffer-one` at most one run is open at a time: the run of the latest earlier
    // fire, in this chunk or (when this chunk has none before the fire) an earlier one. Its nominal
    // fire time counts, not its start: a busy scheduler may start that run after this fire's
    // nominal time, yet before it handles this fire (and drops it).
    const openRunAt = (fire: Date): FireRun | undefined => {
      let lo = 0;
      let hi = runsInOrder.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (Date.parse((runsInOrder[mid] as FireRun).fireTime) < fire.getTime()) lo = mid + 1;
        else hi = mid;
      }
      const latest = lo > 0 ? runsInOrder[lo - 1] : this.latestRun;
      return latest && (latest.closeTime === undefined || latest.closeTime > fire) ? latest : undefined;
    };
    const expectedKeys = new Set<string>();
    for (const fire of fires) {
      this.expected++;
      const key = fire.toISOString();
      expectedKeys.add(key);
      const runs = byFire.get(key) ?? [];
      if (runs.length === 0) {
        if (!includeBeforeCreation && fire < createdAt) {
          this.notExpectedFire(key, 'before-creation');
        } else if (pausedSince && fire >= pausedSince) {
          this.notExpectedFire(key, 'paused');
        } else {
          const open = openRunAt(fire);
          if (open)
            this.skippedByPolicy.push({ fireTime: key, policy: this.policy, openRun: open.workflowId });
          else this.missing.push(fire);
        }
        continue;
      }
      if (runs.length === 1) this.ranOnce++;
      else this.duplicates.push(view(key, runs));
      const latest = [...runs].sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).at(-1);
      if (latest && compensatedRunIds.has(latest.runId)) this.compensated.push(view(key, [latest]));
      else if (latest && UNSUCCESSFUL.has(latest.status)) this.failed.push(view(key, [latest]));
    }
    const unexpected = [...byFire.entries()].filter(([key]) => !expectedKeys.has(key));
    unexpected.sort(([a], [b]) => Date.parse(a) - Date.parse(b));
    for (const [key, runs] of unexpected) this.unexpected.push(view(key, runs));
    this.latestRun = runsInOrder.at(-1) ?? this.latestRun;
  }

  private notExpectedFire(fireTime: string, reason: NotExpectedFire['reason']): void {
    this.notExpectedCount++;
    if (this.notExpected.length < NOT_EXPECTED_SAMPLE) this.notExpected.push({ fireTime, reason });
  }
}

function view(fireTime: string, runs: FireRun[]): AuditedFire {
  return {
    fireTime,
    runs: runs.map((r) => ({ workflowId: r.workflowId, runId: r.runId, status: r.status })),
  };
}

/** The jobs-file spelling of an overlap policy (`SKIP` → `skip`, `BUFFER_ONE` → `buffer-one`). */
function policyName(policy: string | undefined): string {
  return (policy ?? 'SKIP').toLowerCase().replace(/_/g, '-');
}
