/**
 * Warnings about a valid jobs file: cron times that a daylight-saving transition in the next
 * 12 months skips or repeats (with what Temporal will do), schedules that never fire again,
 * skip calendars whose dates are all past, and overlap policies that drop fires. Warnings never
 * stop `validate` or `apply`.
 */
import { dstWarnings, nextFireTime, parseCron } from '../calendar';
import { cronsOf, scheduleSpecFor, DEFAULT_TIMEZONE, DROPPING_OVERLAP_POLICIES } from '../schedules/build';
import { specModelOf } from '../schedules/spec-model';
import { formatPath, type LoadedJobsFile } from './load';

/** One warning, located like a validation issue. */
export interface JobsFileWarning {
  readonly file: string;
  readonly line?: number;
  readonly path: string;
  readonly message: string;
}

/** Formats a warning as `FILE:LINE path: warning: message`. */
export function formatWarning(w: JobsFileWarning): string {
  const where = w.line === undefined ? w.file : `${w.file}:${w.line}`;
  return `${where} ${w.path}: warning: ${w.message}`;
}

/** Lints a loaded jobs file as of `now`. */
export function lintJobsFile(loaded: LoadedJobsFile, now: Date = new Date()): JobsFileWarning[] {
  const { file, jobs, lineOf } = loaded;
  const warnings: JobsFileWarning[] = [];
  const warn = (path: (string | number)[], message: string): void => {
    warnings.push({ file, line: lineOf(path), path: formatPath(path), message });
  };
  jobs.jobs.forEach((job, index) => {
    const tz = job.schedule.timezone ?? DEFAULT_TIMEZONE;
    const crons = cronsOf(job);
    crons.forEach((expr, i) => {
      const path: (string | number)[] = ['jobs', index, 'schedule', 'cron'];
      if (Array.isArray(job.schedule.cron)) path.push(i);
      for (const w of dstWarnings(parseCron(expr), tz, now, 12)) {
        warn(
          path,
          `'${expr}' in ${tz}: ${w.kind === 'gap' ? 'DST gap' : 'DST overlap'} on ${w.date}: ${w.effect}`,
        );
      }
    });
    if (job.overlap !== undefined && DROPPING_OVERLAP_POLICIES.has(job.overlap)) {
      warn(
        ['jobs', index, 'overlap'],
        `overlap '${job.overlap}' drops ${job.overlap === 'skip' ? 'every fire' : 'all but one fire'} that comes while a run is still open: ` +
          `those fires never run (the audit lists them as skipped by policy); leave overlap unset (allow-all) to run every fire`,
      );
    }
    const model = specModelOf(scheduleSpecFor(job, jobs.calendars));
    if (nextFireTime(model, now) === undefined) {
      warn(['jobs', index, 'schedule'], 'the schedule never fires after now (check endAt and skip)');
    }
  });
  for (const [name, entries] of Object.entries(jobs.calendars ?? {})) {
    const last = entries
      .map((e) => (typeof e === 'string' ? e : e.to))
      .sort()
      .at(-1);
    if (last !== undefined && Date.parse(`${last}T23:59:59Z`) + 86_400_000 < now.getTime()) {
      warn(['calendars', name], `every date is in the past (latest ${last})`);
    }
  }
  return warnings;
}
