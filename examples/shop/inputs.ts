/**
 * Input schemas of the job types (the jobs file's `input:`), validated at `validate`/`apply` time.
 * Workflows import the inferred types only.
 */
import { z } from 'zod';
import { BACKUP_TABLES } from './activities/backup';
import { DURATION_FORMS, parseDuration, strictObject } from '../../src';

const durationString = z.string().refine((s) => parseDuration(s) !== undefined, {
  error: `must be a duration: ${DURATION_FORMS}`,
});

/** `daily-summary` input. */
export const dailySummaryInput = strictObject({
  title: z.string().min(1).max(200).default('Daily summary'),
});

/** `cancel-timeout-orders` input. */
export const cancelTimeoutOrdersInput = strictObject({
  /** Orders unpaid for this long as of the fire time are cancelled. */
  olderThan: durationString.default('30m'),
  batchSize: z.int().min(1).max(10_000).default(100),
  /** Upper bound on batches per run, so one run cannot loop forever. */
  maxBatches: z.int().min(1).max(100_000).default(1_000),
});
export type CancelTimeoutOrdersInput = z.output<typeof cancelTimeoutOrdersInput>;

/** `generate-report` input (none). */
export const generateReportInput = strictObject({});

/** `billing` input. */
export const billingInput = strictObject({
  amountCents: z.int().min(0).default(4_900),
});
export type BillingInput = z.output<typeof billingInput>;

/** `data-sync` input. */
export const dataSyncInput = strictObject({
  shards: z.int().min(1).max(256).default(8),
  /** Shards in flight at once. */
  concurrency: z.int().min(1).max(64).default(4),
  /** Continue as new once the run's history has this many events. */
  maxHistoryEvents: z.int().min(10).max(50_000).default(10_000),
});
export type DataSyncInput = z.output<typeof dataSyncInput>;

/** `db-backup` input. */
export const dbBackupInput = strictObject({
  table: z.enum(Object.keys(BACKUP_TABLES) as [keyof typeof BACKUP_TABLES]).default('orders'),
  chunkSize: z.int().min(1).max(100_000).default(100),
  /** Pause between chunks (to watch heartbeats, or to be gentle with the database). */
  chunkDelay: durationString.optional(),
});
export type DbBackupInput = z.output<typeof dbBackupInput>;

/** `order-timeout` input: one order and how long it may stay unpaid. */
export const orderTimeoutInput = strictObject({
  orderId: z.string().min(1),
  timeoutMs: z.int().min(1),
});
export type OrderTimeoutInput = z.output<typeof orderTimeoutInput>;
