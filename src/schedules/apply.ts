/**
 * Making Temporal's schedules match a validated jobs file: create what is missing, update what
 * exists. Validation happens before this is called, so bad input never reaches the server.
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { JobsFile } from '../jobs/schema';
import { scheduleOptionsFor } from './build';

/** What apply did for one job. */
export interface ApplyChange {
  readonly jobId: string;
  readonly action: 'create' | 'update';
}

/** Options for {@link applyJobs}. */
export interface ApplyOptions {
  readonly taskQueue: string;
  /** Called after each schedule is changed. */
  readonly onChange?: (change: ApplyChange) => void;
}

/**
 * Creates or updates one schedule per job (schedule id = job id).
 * @returns the changes made, in file order
 */
export async function applyJobs(
  client: Client,
  file: JobsFile,
  options: ApplyOptions,
): Promise<ApplyChange[]> {
  const changes: ApplyChange[] = [];
  for (const job of file.jobs) {
    const opts = scheduleOptionsFor(job, options.taskQueue);
    let change: ApplyChange;
    try {
      await client.schedule.create(opts);
      change = { jobId: job.id, action: 'create' };
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      // update() replaces the whole definition: start from the previous one so state the file
      // does not set (paused, unless the file says) survives.
      await client.schedule.getHandle(job.id).update((prev) => ({
        ...prev,
        spec: opts.spec,
        action: opts.action,
        policies: { ...prev.policies, ...opts.policies },
        state: job.paused === undefined ? prev.state : { ...prev.state, paused: job.paused, note: job.note },
        typedSearchAttributes: opts.typedSearchAttributes,
      }));
      change = { jobId: job.id, action: 'update' };
    }
    changes.push(change);
    options.onChange?.(change);
  }
  return changes;
}
