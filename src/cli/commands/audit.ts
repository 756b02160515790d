/**
 * `durable-cron audit JOB_ID --from T --to T`: did every fire in the window run exactly once?
 * Exit code 0 only when nothing is missing (or every missing fire was backfilled) and nothing ran twice.
 */
import { AuditProblemsError, auditJob, type AuditReport, type AuditedFire } from '../../audit/audit';
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { UsageError } from '../../errors';
import { parseTimeFlag } from '../../time-flag';
import { printJson, type Output } from '../output';

/** Flags of `audit`. */
export interface AuditFlags {
  from: string;
  to?: string;
  backfillMissing?: boolean;
  includeBeforeCreation?: boolean;
  json?: boolean;
}

/**
 * Windows longer than this are refused; a longer span is audited in parts. (Not for memory: the
 * audit walks the window in chunks and keeps only counters and the problems it finds.)
 */
const MAX_WINDOW_MS = 366 * 86_400_000;

/**
 * Runs the audit and prints the report.
 * @throws {UsageError} for invalid flags, before connecting
 * @throws {AuditProblemsError} (exit code 3) after printing, when fires are missing or doubled
 */
export async function runAudit(
  config: ResolvedConfig,
  jobId: string,
  flags: AuditFlags,
  output: Output,
): Promise<void> {
  const now = new Date();
  if (jobId.trim() === '') throw new UsageError('JOB_ID must not be empty');
  const from = parseTimeFlag('from', flags.from, now);
  const to = parseTimeFlag('to', flags.to, now) ?? now;
  if (!from) throw new UsageError('--from is required');
  if (from > to) throw new UsageError('--from must not be after --to');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    throw new UsageError('--from/--to: the window must not be longer than 366 days; audit it in parts');
  }
  const { client, close } = await connectClient(config);
  let report: AuditReport;
  try {
    report = await auditJob(client, config.namespace, jobId, {
      from,
      to,
      now,
      backfillMissing: flags.backfillMissing,
      includeBeforeCreation: flags.includeBeforeCreation,
    });
  } finally {
    await close();
  }
  if (flags.json) printJson(output, report);
  else printReport(report, output);
  if (!report.ok) {
    const missing = report.missing.length - report.backfilled.length - report.alreadyStarted.length;
    throw new AuditProblemsError(
      `audit of '${jobId}' found ${missing} missing and ${report.duplicates.length} doubled fire(s)` +
        (missing > 0 ? '; --backfill-missing runs the missing ones exactly once' : ''),
    );
  }
}

/** Prints the report as text, line by line: the only lists are the report's problem lists. */
function printReport(r: AuditReport, output: Output): void {
  const fire = (f: AuditedFire) =>
    `  ${f.fireTime}  ${f.runs.map((run) => `${run.workflowId} (${run.status.toLowerCase()})`).join(', ')}`;
  const backfilled = new Set(r.backfilled);
  const alreadyStarted = new Set(r.alreadyStarted);
  const missingNote = (fireTime: string): string => {
    if (backfilled.has(fireTime)) return '  (backfill requested)';
    if (alreadyStarted.has(fireTime)) return '  (started meanwhile by someone else)';
    return '';
  };
  output.out(`Audit of ${r.jobId} from ${r.from} to ${r.to} (${r.timezone})`);
  output.out(
    `Expected ${r.expected} fire(s): ${r.ranOnce} ran once, ${r.missing.length} missing, ` +
      `${r.duplicates.length} doubled, ${r.failed.length} failed, ${r.compensated.length} compensated` +
      (r.skippedByPolicy.length > 0 ? `, ${r.skippedByPolicy.length} skipped by policy` : ''),
  );
  const section = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    output.out(`${title}:`);
    for (const item of items) output.out(line(item));
  };
  section('Missing', r.missing, (m) => `  ${m}${missingNote(m)}`);
  section(
    'Skipped by policy (not runs: the overlap policy dropped them while a run was open)',
    r.skippedByPolicy,
    (f) => `  ${f.fireTime}  ${f.policy}, while ${f.openRun} ran`,
  );
  section('Doubled', r.duplicates, fire);
  section('Failed', r.failed, fire);
  section('Compensated', r.compensated, fire);
  section('Runs for fire times the spec does not produce', r.unexpected, fire);
  if (r.notExpectedCount > 0) {
    output.out(
      `Not expected: ${r.notExpectedCount} fire(s) before the schedule existed or while it is paused` +
        (r.notExpectedTruncated ? ` (--json lists the first ${r.notExpected.length})` : ''),
    );
  }
  const { overlapSkipped, missedCatchupWindow } = r.scheduleCounters;
  if (overlapSkipped + missedCatchupWindow > 0) {
    output.out(
      `Schedule counters since creation: ${overlapSkipped} skipped for overlap, ` +
        `${missedCatchupWindow} missed the catch-up window`,
    );
  }
  output.out(r.ok ? 'OK: every expected fire ran exactly once.' : 'NOT OK');
}
