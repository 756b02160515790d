/**
 * Every side effect of durable-cron's job types. Activities are built by a factory that takes
 * their dependencies, so tests pass real or fake ones without monkey-patching.
 */
import type { Pool } from 'pg';
import { createBackupActivities } from './backup';
import { createBillingActivities } from './billing';
import { createDataSyncActivities } from './data-sync';
import { createOrderActivities } from './orders';
import type { PaymentProvider } from './payment-provider';
import { createReportActivities } from './reports';
import { createSummaryActivities } from './summary';

export { idempotencyKey, localDate } from './context';
export type { DaySummary } from './summary';
export type { FailureInjection } from './failure-injection';

/** What activities need from the outside world. */
export interface ActivityDeps {
  /** Directory for file-based effects (daily summaries). */
  readonly dataDir: string;
  /**
   * The jobs' database. Optional so file-only job types run without one; a step that needs it
   * fails non-retryably with `NoDatabase` when it is missing.
   */
  readonly db?: Pool;
  /** The payment provider billing charges through. @default the database-backed provider */
  readonly paymentProvider?: PaymentProvider;
}

/** Builds the activities with their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSummaryActivities(deps),
    ...createOrderActivities(deps),
    ...createReportActivities(deps),
    ...createBillingActivities(deps),
    ...createDataSyncActivities(deps),
    ...createBackupActivities(deps),
  };
}

/** The activity implementations' type, for `proxyActivities` in workflow code. */
export type Activities = ReturnType<typeof createActivities>;
