/**
 * What every job-type workflow needs first: its nominal fire time and the context its steps receive.
 * Deterministic: reads only workflow info and input.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { JobRunInput, StepContext } from '../src/types';
import { SCHEDULED_START_TIME } from './search-attributes';

/**
 * The run's nominal fire time: from `TemporalScheduledStartTime` for scheduled runs (the time the
 * schedule meant, before jitter), else the input's `fireTime`, else the run's start time.
 */
export function nominalFireTime(input: JobRunInput): string {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START_TIME);
  if (scheduled) return scheduled.toISOString();
  if (input.fireTime) return new Date(input.fireTime).toISOString();
  return info.runStartTime.toISOString();
}

/** The context passed to every step of the run. */
export function stepContext(input: JobRunInput): StepContext {
  return {
    jobId: input.jobId,
    customer: input.customer,
    env: input.env,
    timezone: input.timezone,
    fireTime: nominalFireTime(input),
  };
}
