/**
 * The generic workflow of steps job types (`defineJob` with `steps`): runs the job type's steps in
 * order as a saga, each with its policy and the job's overrides, passing each step the results of
 * the earlier ones. Registered as the bundle's default workflow, so the workflow type of a run is
 * its job type's name.
 *
 * Determinism: the steps and their policies come from a local activity whose result is recorded in
 * the run's history, so a run that started before a deploy that changed its job type's steps
 * replays, and goes on, with the steps it started with.
 */
import { proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { StepsPlan } from '../activities/steps';
import type { JobRunInput, SagaReport } from '../src/types';
import { stepContext } from './run-context';
import { StepRunner, runSaga } from './steps';

/** Mirrors `PLAN_ACTIVITY` in activities/steps.ts (workflow code may not import its value). */
const PLAN_ACTIVITY = 'durable-cron.plan';

/** Result of a completed run of a steps job type. */
export interface StepsResult {
  readonly fireTime: string;
  /** Each step's result, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
  readonly saga: SagaReport;
}

const { [PLAN_ACTIVITY]: plan } = proxyLocalActivities<
  Record<string, (jobType: string) => Promise<StepsPlan | null>>
>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

/** Runs the steps of the job type named by the run's workflow type. */
export async function runSteps(input: JobRunInput): Promise<StepsResult> {
  const jobType = workflowInfo().workflowType;
  const steps = await plan!(jobType);
  if (steps === null) {
    // A plain Error fails the workflow task, not the run: Temporal retries the task, and a worker
    // that knows the job type (say, once a rolling deploy reaches it) runs it.
    throw new Error(`job type '${jobType}' is not registered on this worker (start it with --jobs)`);
  }
  const ctx = stepContext(input);
  return runSaga(new StepRunner(input.steps), async (saga) => {
    const results: Record<string, unknown> = {};
    for (const def of steps.steps) {
      const before = { ...results };
      results[def.name] = await saga.runDynamic(def, [ctx, input.input, before], (result) => [
        ctx,
        input.input,
        { ...before, [def.name]: result },
      ]);
    }
    return { fireTime: ctx.fireTime, results, saga: saga.report() };
  });
}
