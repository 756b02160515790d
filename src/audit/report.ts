/**
 * The fire audit's public types: its options and its report. The report holds counters and the
 * problem lists only, never one entry per expected fire, so its size follows the problems found,
 * not the length of the window.
 */

/** Options of `auditJob`. */
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

/** A fire the audit does not expect, and why. */
export interface NotExpectedFire {
  readonly fireTime: string;
  readonly reason: 'before-creation' | 'paused';
}

/**
 * At most this many not-expected fires are listed (`AuditReport.notExpected`); the rest are only
 * counted. An audit of a year before a schedule was created would otherwise list every fire.
 */
export const NOT_EXPECTED_SAMPLE = 100;

/** The audit's findings. Fire times are RFC 3339 UTC; every list is in fire-time order. */
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
  /**
   * Fires without a run that are not expected because the schedule did not exist yet or is paused
   * (not missing): the first {@link NOT_EXPECTED_SAMPLE} of them. `notExpectedCount` counts them
   * all and `notExpectedTruncated` says when this list stops short of it.
   */
  readonly notExpected: NotExpectedFire[];
  /** How many fires are not expected, listed in `notExpected` or not. */
  readonly notExpectedCount: number;
  /** True when `notExpected` lists only the first {@link NOT_EXPECTED_SAMPLE} of `notExpectedCount`. */
  readonly notExpectedTruncated: boolean;
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
