/**
 * Every side effect of the shop example's job types. Activities are built by a factory that takes
 * their dependencies, so tests pass real or fake ones without monkey-patching.
 */
import type { ActivityDeps } from '../../../src';
import { createBackupActivities } from './backup';
import { createBillingActivities } from './billing';
import { createDataSyncActivities } from './data-sync';
import { createOrderActivities } from './orders';
import type { PaymentProvider } from './payment-provider';
import { createReportActivities } from './reports';
import { createSummaryActivities } from './summary';

export type { DaySummary } from './summary';
export type { PaymentProvider } from './payment-provider';

/** The worker's dependencies, plus the payment provider billing charges through (tests pass a fake one). */
export type ShopDeps = ActivityDeps & { readonly paymentProvider?: PaymentProvider };

/** Builds the activities with their dependencies. */
export function createActivities(deps: ShopDeps) {
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
