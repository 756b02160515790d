/**
 * Search attribute keys shared by workflow code and the library. Custom attributes must be
 * registered on the namespace (`durable-cron setup`, or the dev server's `--search-attribute`).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Customer a run belongs to (custom, Keyword). */
export const CUSTOMER = defineSearchAttributeKey('customer', SearchAttributeType.KEYWORD);
/** Deployment environment of a run, e.g. prod (custom, Keyword). */
export const ENV = defineSearchAttributeKey('env', SearchAttributeType.KEYWORD);
/** Job id (= schedule id) of a run, also set on ad-hoc runs (custom, Keyword). */
export const JOB_ID = defineSearchAttributeKey('jobId', SearchAttributeType.KEYWORD);
/** Job type of a run (custom, Keyword). */
export const JOB_TYPE = defineSearchAttributeKey('jobType', SearchAttributeType.KEYWORD);
/** Marks schedules durable-cron created, so `apply --prune` never touches others (custom, Keyword). */
export const MANAGED_BY = defineSearchAttributeKey('managedBy', SearchAttributeType.KEYWORD);
/**
 * durable-cron's record on a schedule it manages (custom, Keyword): a hash of each field of the
 * definition `apply` last wrote, when the tool paused it, and the project of the jobs file that
 * applied it (`apply --prune` deletes only schedules of its own project). Kept here because a schedule's
 * memo cannot be updated and its search attributes can.
 */
export const SCHEDULE_SYNC = defineSearchAttributeKey('scheduleSync', SearchAttributeType.KEYWORD);
/** How a run ended beyond its status, e.g. `compensated` (custom, Keyword). */
export const OUTCOME = defineSearchAttributeKey('outcome', SearchAttributeType.KEYWORD);

/** Set by Temporal on scheduled runs: the nominal fire time, before jitter. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
/** Set by Temporal on scheduled runs: the schedule id. */
export const SCHEDULED_BY_ID = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** The value of {@link MANAGED_BY} on schedules this tool manages. */
export const MANAGED_BY_VALUE = 'durable-cron';

/** Every custom attribute durable-cron needs, for registration. */
export const CUSTOM_SEARCH_ATTRIBUTES = [
  CUSTOMER,
  ENV,
  JOB_ID,
  JOB_TYPE,
  MANAGED_BY,
  OUTCOME,
  SCHEDULE_SYNC,
] as const;
