/**
 * What `validate` shows of each job's schedule before it exists on a server: the schedule in
 * words and its next fire times, computed with the local calendar (the server decides fire times
 * once the schedule exists; test/e2e/calendar-lint.test.ts holds the two to the same answers).
 */
import { fireTimesBetween, wallClock } from '../calendar';
import { scheduleSpecFor, DEFAULT_TIMEZONE } from '../schedules/build';
import { specModelOf, specSummary } from '../schedules/spec-model';
import { formatFireTime } from '../rfc3339';
import type { LoadedJobsFile } from './load';

const END_OF_TIME = new Date(8.64e15);

/** How many next fire times `validate` shows per job. */
export const PREVIEW_FIRES = 3;

/** One job's schedule as `validate` shows it. */
export interface SchedulePreview {
  readonly jobId: string;
  /** The schedule in words, e.g. `at 02:00 every day`. */
  readonly schedule: string;
  readonly timezone: string;
  /** The next fire times after `now` (nominal, before jitter), at most {@link PREVIEW_FIRES}. */
  readonly nextFireTimes: readonly Date[];
}

/** The schedule of every job of a loaded (valid) jobs file, as of `now`. */
export function schedulePreviews(loaded: LoadedJobsFile, now: Date = new Date()): SchedulePreview[] {
  const { jobs } = loaded.jobs;
  return jobs.map((job) => {
    const spec = scheduleSpecFor(job, loaded.jobs.calendars);
    const timezone = job.schedule.timezone ?? DEFAULT_TIMEZONE;
    return {
      jobId: job.id,
      schedule: specSummary(spec),
      timezone,
      // From 1 ms after now: strictly after now, as the server fires next.
      nextFireTimes: fireTimesBetween(
        specModelOf(spec),
        new Date(now.getTime() + 1),
        END_OF_TIME,
        PREVIEW_FIRES,
      ),
    };
  });
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A fire time as the job's wall clock with the zone, then UTC: `2026-12-02 02:00:00 Asia/Shanghai (2026-12-01T18:00:00Z)`. */
export function formatLocalFireTime(t: Date, timeZone: string): string {
  const w = wallClock(timeZone, t);
  const wall = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return `${wall} ${timeZone} (${formatFireTime(t)})`;
}

/** The lines `validate` prints for one job: its schedule in words, then its next fire times. */
export function formatPreview(p: SchedulePreview): string[] {
  const next = p.nextFireTimes.map((t) => `  next: ${formatLocalFireTime(t, p.timezone)}`);
  return [`${p.jobId}: ${p.schedule} (${p.timezone})`, ...(next.length > 0 ? next : ['  next: never'])];
}
