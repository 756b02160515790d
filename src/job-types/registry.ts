/**
 * The job types the worker pool registers: for each, the workflow that runs it, the zod schema
 * its `input` must satisfy, and its steps. The jobs file is validated against this list before
 * anything is sent to Temporal.
 */
import {
  BILLING_STEPS,
  CANCEL_TIMEOUT_ORDERS_STEPS,
  DAILY_SUMMARY_STEPS,
  DATA_SYNC_STEPS,
  DB_BACKUP_STEPS,
  GENERATE_REPORT_STEPS,
  ORDER_TIMEOUT_STEPS,
} from '../../workflows/job-steps';
import { defineJob, type JobTypeDefinition } from './define';
import {
  billingInput,
  cancelTimeoutOrdersInput,
  dailySummaryInput,
  dataSyncInput,
  dbBackupInput,
  generateReportInput,
  orderTimeoutInput,
} from './inputs';

export { defineJob, overridableStepNames, type JobTypeDefinition } from './define';

/** `daily-summary`: summarizes the fire time's day (in the job's timezone) into a report file. */
export const dailySummary = defineJob({
  name: 'daily-summary',
  workflowType: 'dailySummary',
  description: "Writes one summary per day of the fire time's date, in the job's timezone",
  input: dailySummaryInput,
  steps: DAILY_SUMMARY_STEPS,
});

/** `cancel-timeout-orders`: cancels orders unpaid for 30 minutes as of the fire time. */
export const cancelTimeoutOrders = defineJob({
  name: 'cancel-timeout-orders',
  workflowType: 'cancelTimeoutOrders',
  description: 'Cancels orders unpaid for `olderThan` as of the fire time, releasing their stock, in batches',
  input: cancelTimeoutOrdersInput,
  steps: CANCEL_TIMEOUT_ORDERS_STEPS,
});

/** `generate-report`: one report row per job and day. */
export const generateReport = defineJob({
  name: 'generate-report',
  workflowType: 'generateReport',
  description: "Aggregates the orders of the fire time's day (job's timezone) into one report row",
  input: generateReportInput,
  steps: GENERATE_REPORT_STEPS,
});

/** `billing`: the saga (reserve invoice → charge → send; void and refund on failure). */
export const billing = defineJob({
  name: 'billing',
  workflowType: 'billing',
  description: 'Reserves an invoice, charges the customer, sends the invoice; undoes them on failure',
  input: billingInput,
  steps: BILLING_STEPS,
});

/** `data-sync`: sharded sync with bounded concurrency and continue-as-new. */
export const dataSync = defineJob({
  name: 'data-sync',
  workflowType: 'dataSync',
  description: 'Syncs records in N shards, in parallel with bounded concurrency',
  input: dataSyncInput,
  steps: DATA_SYNC_STEPS,
});

/** `db-backup`: a long heartbeating step that resumes after a worker crash. */
export const dbBackup = defineJob({
  name: 'db-backup',
  workflowType: 'dbBackup',
  description: 'Copies a table in chunks, heartbeating progress, resuming from it after a crash',
  input: dbBackupInput,
  steps: DB_BACKUP_STEPS,
});

/**
 * `order-timeout`: started per order (see `orders.ts`), not by a schedule, so it is not in
 * {@link JOB_TYPES}.
 */
export const orderTimeout = defineJob({
  name: 'order-timeout',
  workflowType: 'orderTimeout',
  description: 'Cancels an order after its timeout unless a `paid` signal arrives first',
  input: orderTimeoutInput,
  steps: ORDER_TIMEOUT_STEPS,
});

/** Every job type a jobs file may schedule, by name. */
export const JOB_TYPES: ReadonlyMap<string, JobTypeDefinition> = new Map(
  [dailySummary, cancelTimeoutOrders, generateReport, billing, dataSync, dbBackup].map(
    (t) => [t.name, t as JobTypeDefinition] as const,
  ),
);

/** Names of the registered job types, sorted, for error messages. */
export function jobTypeNames(): string[] {
  return [...JOB_TYPES.keys()].sort();
}
