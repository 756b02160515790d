/** The raw SDK baseline's workflows: no durable-cron code, default activity options. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './raw-activities';

const { noop, lagNoop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1m' });

/** One no-op activity that records its start: the fire lag baseline. */
export async function rawOne(): Promise<void> {
  await lagNoop();
}

/** Three no-op activities in sequence: the throughput baseline. */
export async function rawThree(): Promise<string> {
  const a = await noop('a');
  const b = await noop(a);
  return noop(b);
}
