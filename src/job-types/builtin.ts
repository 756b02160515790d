/** durable-cron's built-in job types. */
import type { JobType } from './define';

/** The job types every worker knows without `--jobs`. */
export const BUILTIN_JOB_TYPES: readonly JobType[] = [];
