/** The `daily-summary` job type: summarize the fire time's day, then publish the summary. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { JobRunInput } from '../src/types';
import { stepContext } from './run-context';

const { summarizeDay } = proxyActivities<ReturnType<typeof activities.createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

const { publishSummary } = proxyActivities<ReturnType<typeof activities.createActivities>>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/** Result of a `daily-summary` run. */
export interface DailySummaryResult {
  readonly fireTime: string;
  readonly date: string;
  readonly location: string;
  readonly created: boolean;
}

/** Workflow of the `daily-summary` job type. */
export async function dailySummary(input: JobRunInput<{ title: string }>): Promise<DailySummaryResult> {
  const ctx = stepContext(input);
  const summary = await summarizeDay(ctx, input.input);
  const published = await publishSummary(ctx, summary);
  return {
    fireTime: ctx.fireTime,
    date: summary.date,
    location: published.location,
    created: published.created,
  };
}
