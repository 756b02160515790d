/**
 * The activities of steps job types (see `defineJob`): each step function, and each compensation,
 * becomes one activity named `<jobType>.<step>` (`<jobType>.<step>.compensate`) that builds the
 * step's arguments (idempotency key, progress, `once`, abort signal) around the function. Also the
 * plans of the steps job types, and the local activity through which the generic workflow used to
 * ask for its job type's plan.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { JobType, StepArgs } from '../src/job-types/define';
import type { StepContext, StepDefinition } from '../src/types';
import type { ActivityDeps, ActivityFunction } from './deps';
import { once, requireDb } from './effects';

/** Name of the local activity that returns a steps job type's plan. */
export const PLAN_ACTIVITY = 'durable-cron.plan';

/** What the generic workflow runs: the job type's steps with their policies, as of the run's start. */
export interface StepsPlan {
  readonly jobType: string;
  readonly steps: readonly StepDefinition[];
}

/** The plans of the steps job types among `types`, in their order. */
export function stepsPlans(types: readonly JobType[]): StepsPlan[] {
  return types
    .filter((type) => type.stepFunctions)
    .map((type) => ({ jobType: type.name, steps: type.steps }));
}

/**
 * The activities of the steps job types among `types`, plus {@link PLAN_ACTIVITY}, which now only
 * answers the replays of runs recorded before plans went with the workflow bundle
 * (workflows/run-steps.ts).
 * @param types every job type the worker registers
 */
export function createStepActivities(
  types: readonly JobType[],
  deps: ActivityDeps,
): Record<string, ActivityFunction> {
  const plans = new Map(stepsPlans(types).map((plan) => [plan.jobType, plan]));
  const activities: Record<string, ActivityFunction> = {};
  for (const type of types) {
    if (!type.stepFunctions) continue;
    for (const def of type.steps) {
      const step = type.stepFunctions.get(def.name);
      if (!step) continue;
      activities[def.activity] = (job: StepContext, input: unknown, results: Record<string, unknown>) =>
        step.run(stepArgs(def.name, job, input, results, deps));
      const compensate = step.compensate;
      if (compensate && def.compensationActivity) {
        activities[def.compensationActivity] = (
          job: StepContext,
          input: unknown,
          results: Record<string, unknown>,
        ) => {
          const args = stepArgs(def.compensation ?? def.name, job, input, results, deps);
          return compensate({
            ...args,
            result: results[def.name],
            stepKey: `${args.workflowId}/${def.name}`,
          });
        };
      }
    }
  }
  // `null`, not undefined, for an unknown type: the workflow tells it apart from a lost reply.
  activities[PLAN_ACTIVITY] = (jobType: string) => Promise.resolve(plans.get(jobType) ?? null);
  return activities;
}

function stepArgs(
  step: string,
  job: StepContext,
  input: unknown,
  results: Record<string, unknown>,
  deps: ActivityDeps,
): StepArgs {
  const ctx = Context.current();
  const workflowId = ctx.info.workflowExecution?.workflowId;
  if (!workflowId)
    throw ApplicationFailure.nonRetryable(`step '${step}' ran outside a workflow`, 'NoWorkflow');
  const idempotencyKey = `${workflowId}/${step}`;
  return {
    job,
    input,
    results,
    idempotencyKey,
    workflowId,
    attempt: ctx.info.attempt,
    signal: ctx.cancellationSignal,
    // Through the context, so the automatic heartbeats (src/worker/heartbeat.ts) repeat these details.
    heartbeat: (details?: unknown) => Context.current().heartbeat(details),
    progress: ctx.info.heartbeatDetails as unknown,
    once: (effect) => once(requireDb(deps.db, step), idempotencyKey, step, effect),
    db: deps.db,
    deps,
  };
}
