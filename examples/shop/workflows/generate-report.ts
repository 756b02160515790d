/** The `generate-report` job type: the fire time's day of orders, as one report row. */
import type { Activities } from '../activities';
import type { OrdersAggregate } from '../activities/reports';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { GENERATE_REPORT_STEPS } from '../steps';

/** Result of a `generate-report` run. */
export interface GenerateReportResult extends OrdersAggregate {
  readonly fireTime: string;
  /** False when a run of the same fire had already saved the report (it was replaced). */
  readonly created: boolean;
}

/** Workflow of the `generate-report` job type. */
export async function generateReport(input: JobRunInput): Promise<GenerateReportResult> {
  const ctx = stepContext(input);
  const run = new StepRunner<Activities>(input.steps);
  const aggregate = await run.step(GENERATE_REPORT_STEPS.aggregateOrders)(ctx);
  const saved = await run.step(GENERATE_REPORT_STEPS.saveReport)(ctx, aggregate);
  return { ...aggregate, fireTime: ctx.fireTime, created: saved.created };
}
