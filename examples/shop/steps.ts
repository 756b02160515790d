/**
 * The steps of every job type with their default policies: plain data, read by the workflows
 * (to call each step with its policy) and by the library (to validate the jobs file's `steps:`
 * overrides against real step names). No Temporal imports here, so both sides can load it.
 */
import type { StepDefinition } from '../../src';

const quick = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
} as const;

const effect = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
} as const;

/** Compensations try harder than steps: giving up leaves an effect nobody undoes. */
const compensation = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
} as const;

/** Builds a name-keyed step list (object keys keep the list's order), keeping literal names. */
function steps<const L extends readonly StepDefinition[]>(
  list: L,
): { readonly [S in L[number] as S['name']]: S } {
  return Object.fromEntries(list.map((s) => [s.name, s])) as { readonly [S in L[number] as S['name']]: S };
}

/** `daily-summary`: summarize the fire time's day, then publish it. */
export const DAILY_SUMMARY_STEPS = steps([
  { name: 'summarizeDay', activity: 'summarizeDay', policy: quick },
  { name: 'publishSummary', activity: 'publishSummary', policy: effect },
]);

/** `cancel-timeout-orders`: one step, called once per batch. */
export const CANCEL_TIMEOUT_ORDERS_STEPS = steps([
  { name: 'cancelOrderBatch', activity: 'cancelOrderBatch', policy: effect },
]);

/** `generate-report`: aggregate the day's orders, then save the report row. */
export const GENERATE_REPORT_STEPS = steps([
  { name: 'aggregateOrders', activity: 'aggregateOrders', policy: quick },
  { name: 'saveReport', activity: 'saveReport', policy: effect },
]);

/** `billing` (saga): reserve an invoice number, charge the customer, send the invoice. */
export const BILLING_STEPS = steps([
  {
    name: 'reserveInvoice',
    activity: 'reserveInvoice',
    policy: effect,
    compensation: 'voidInvoice',
    compensationPolicy: compensation,
  },
  {
    name: 'chargeCard',
    activity: 'chargeCard',
    policy: { ...effect, retry: { ...effect.retry, nonRetryableErrorTypes: ['CardDeclined'] } },
    compensation: 'refundCharge',
    compensationPolicy: compensation,
  },
  { name: 'sendInvoice', activity: 'sendInvoice', policy: effect },
]);

/** `data-sync`: one step per shard, run in parallel with bounded concurrency. */
export const DATA_SYNC_STEPS = steps([{ name: 'syncShard', activity: 'syncShard', policy: effect }]);

/** `order-timeout`: cancel the order when its delay passes unpaid. */
export const ORDER_TIMEOUT_STEPS = steps([{ name: 'cancelOrder', activity: 'cancelOrder', policy: effect }]);

/** `db-backup`: one long step that heartbeats its progress and resumes from it after a crash. */
export const DB_BACKUP_STEPS = steps([
  {
    name: 'backupTable',
    activity: 'backupTable',
    policy: {
      startToCloseTimeout: '30m',
      heartbeatTimeout: '10s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
    },
  },
]);
