/**
 * The raw SDK baseline's workflows: no durable-cron code. A 10 s start-to-close timeout (the only
 * activity option set) retries an activity task that never reached a worker after 10 s, close to
 * durable-cron's 5 s heartbeat timeout, so one such task does not stall a batch for a minute.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type * as activities from './raw-activities';

const { noop, lagNoop } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

/** One no-op activity that records its start: the fire lag baseline. */
export async function rawOne(): Promise<void> {
  await lagNoop();
}

const { noop: localNoop } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10s' });

/**
 * A local no-op activity, then {@link rawOne}'s activity: what a local activity before the first
 * step costs in a plain SDK worker (durable-cron runs one, its step plan, at the start of every run).
 */
export async function rawOneAfterLocal(): Promise<void> {
  await localNoop('plan');
  await lagNoop();
}

/** Three no-op activities in sequence: the throughput baseline. */
export async function rawThree(): Promise<string> {
  const a = await noop('a');
  const b = await noop(a);
  return noop(b);
}
