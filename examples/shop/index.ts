/**
 * The shop example: seven job types over a small shop database (orders, customers, invoices), each
 * with its own workflow in `workflows/` and activities in `activities/`. Loaded like any user's
 * jobs module: `durable-cron worker --jobs examples/shop` (the repository's durable-cron.config.json
 * says so, so `npm start` shows them). Their tables come with `migrations` (`durable-cron setup`).
 */
import { defineJob } from '../../src';
import { createActivities } from './activities';
import {
  billingInput,
  cancelTimeoutOrdersInput,
  dailySummaryInput,
  dataSyncInput,
  dbBackupInput,
  generateReportInput,
  orderTimeoutInput,
} from './inputs';
import {
  BILLING_STEPS,
  CANCEL_TIMEOUT_ORDERS_STEPS,
  DAILY_SUMMARY_STEPS,
  DATA_SYNC_STEPS,
  DB_BACKUP_STEPS,
  GENERATE_REPORT_STEPS,
  ORDER_TIMEOUT_STEPS,
} from './steps';

/** The module exporting the example's workflows, bundled by the worker. */
const WORKFLOWS = require.resolve('./workflows');

/** `daily-summary`: summarizes the fire time's day (in the job's timezone) into a report file. */
export const dailySummary = defineJob({
  name: 'daily-summary',
  workflow: { module: WORKFLOWS, export: 'dailySummary' },
  activities: createActivities,
  description: "Writes one summary per day of the fire time's date, in the job's timezone",
  input: dailySummaryInput,
  steps: DAILY_SUMMARY_STEPS,
});

/** `cancel-timeout-orders`: cancels orders unpaid for 30 minutes as of the fire time. */
export const cancelTimeoutOrders = defineJob({
  name: 'cancel-timeout-orders',
  workflow: { module: WORKFLOWS, export: 'cancelTimeoutOrders' },
  activities: createActivities,
  description: 'Cancels orders unpaid for `olderThan` as of the fire time, releasing their stock, in batches',
  input: cancelTimeoutOrdersInput,
  steps: CANCEL_TIMEOUT_ORDERS_STEPS,
});

/** `generate-report`: one report row per job and day. */
export const generateReport = defineJob({
  name: 'generate-report',
  workflow: { module: WORKFLOWS, export: 'generateReport' },
  activities: createActivities,
  description: "Aggregates the orders of the fire time's day (job's timezone) into one report row",
  input: generateReportInput,
  steps: GENERATE_REPORT_STEPS,
});

/** `billing`: the saga (reserve invoice → charge → send; void and refund on failure). */
export const billing = defineJob({
  name: 'billing',
  workflow: { module: WORKFLOWS, export: 'billing' },
  activities: createActivities,
  description: 'Reserves an invoice, charges the customer, sends the invoice; undoes them on failure',
  input: billingInput,
  steps: BILLING_STEPS,
});

/** `data-sync`: sharded sync with bounded concurrency and continue-as-new. */
export const dataSync = defineJob({
  name: 'data-sync',
  workflow: { module: WORKFLOWS, export: 'dataSync' },
  activities: createActivities,
  description: 'Syncs records in N shards, in parallel with bounded concurrency',
  input: dataSyncInput,
  steps: DATA_SYNC_STEPS,
});

/** `db-backup`: a long heartbeating step that resumes after a worker crash. */
export const dbBackup = defineJob({
  name: 'db-backup',
  workflow: { module: WORKFLOWS, export: 'dbBackup' },
  activities: createActivities,
  description: 'Copies a table in chunks, heartbeating progress, resuming from it after a crash',
  input: dbBackupInput,
  steps: DB_BACKUP_STEPS,
});

/** `order-timeout`: started per order (see `orders.ts`) rather than by a schedule. */
export const orderTimeout = defineJob({
  name: 'order-timeout',
  workflow: { module: WORKFLOWS, export: 'orderTimeout' },
  activities: createActivities,
  description: 'Cancels an order after its timeout unless a `paid` signal arrives first',
  input: orderTimeoutInput,
  steps: ORDER_TIMEOUT_STEPS,
});

export { start } from './start';
export { migrations } from './migrations';
