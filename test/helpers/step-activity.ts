/**
 * Runs one step of a steps job type the way the worker does (through `createStepActivities`), in a
 * MockActivityEnvironment that looks like an attempt of a step of run `workflowId`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps';
import { createStepActivities } from '../../activities/steps';
import { stepActivityName, type JobType } from '../../src/job-types/define';
import type { StepContext } from '../../src/types';

/** The signature of a step's activity: the run's context, the job's input, earlier results. */
export type StepActivity = (
  job: StepContext,
  input: unknown,
  results: Record<string, unknown>,
) => Promise<unknown>;

/** The activity of `step` of `type`, built for `deps`. */
export function stepActivity(type: JobType, step: string, deps: ActivityDeps): StepActivity {
  const fn = createStepActivities([type], deps)[stepActivityName(type.name, step)];
  assert.ok(fn, `job type '${type.name}' has no step '${step}'`);
  return fn as unknown as StepActivity;
}

/** A run's context for job `jobId`. */
export function stepContext(jobId: string): StepContext {
  return { jobId, customer: 'acme', env: 'test', timezone: 'UTC', fireTime: '2026-11-20T03:00:00.000Z' };
}

/** An environment that looks like attempt `attempt` of a step of run `workflowId`. */
export function attemptEnv(
  workflowId: string,
  attempt = 1,
  extra: Partial<Info> = {},
): MockActivityEnvironment {
  return new MockActivityEnvironment(
    // An hour, as a step's timeout: the mock's default (1s) would cut the steps short.
    {
      workflowExecution: { workflowId, runId: randomUUID() },
      attempt,
      startToCloseTimeoutMs: 3_600_000,
      ...extra,
    },
    // The failures are what the tests assert on; the worker's warning for each is noise here.
    { logger: new DefaultLogger('ERROR') },
  );
}

/** Runs the step in `env` with `input`. */
export function runStep(
  env: MockActivityEnvironment,
  fn: StepActivity,
  jobId: string,
  input: unknown,
): Promise<unknown> {
  return env.run(fn, stepContext(jobId), input, {});
}

/** The ApplicationFailure `promise` rejects with (fails the test when it resolves or rejects otherwise). */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  let result: unknown;
  try {
    result = await promise;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected the step to fail, it returned ${JSON.stringify(result)}`);
}
