/** The `daily-summary` job type: summarize the fire time's day, then publish the summary. */
import type { Activities } from '../activities';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { DAILY_SUMMARY_STEPS } from '../steps';

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
  const run = new StepRunner<Activities>(input.steps);
  const summary = await run.step(DAILY_SUMMARY_STEPS.summarizeDay)(ctx, input.input);
  const published = await run.step(DAILY_SUMMARY_STEPS.publishSummary)(ctx, summary);
  return {
    fireTime: ctx.fireTime,
    date: summary.date,
    location: published.location,
    created: published.created,
  };
}
