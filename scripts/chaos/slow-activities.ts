/**
 * Chaos harness only: the billing and report steps with a delay around each one (half before the
 * effect, half after it), so a killed or stopped worker process is often caught mid-step: before
 * the effect (the retry must do it once) or after it (the retry must find it and not do it again).
 * Loaded by the pool's test hook `activitiesModule`; the delay comes from `CHAOS_STEP_DELAY_MS`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createActivities as createProductActivities } from '../../examples/shop/activities';
import type { ActivityDeps } from '../../src';

const STEPS = ['reserveInvoice', 'chargeCard', 'sendInvoice', 'aggregateOrders', 'saveReport'] as const;

/** The product's activities for the chaos job types, each slowed down by the step delay. */
export function createActivities(deps: ActivityDeps): Record<string, (...args: never[]) => Promise<unknown>> {
  const delayMs = Number(process.env.CHAOS_STEP_DELAY_MS ?? 400);
  const product = createProductActivities(deps) as unknown as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  const slowed: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const name of STEPS) {
    const step = product[name];
    if (!step) throw new Error(`no activity '${name}'`);
    slowed[name] = async (...args: unknown[]) => {
      await sleep(delayMs / 2);
      const result = await step(...args);
      await sleep(delayMs / 2);
      return result;
    };
  }
  return slowed;
}
