/**
 * The jobs file's per-job `steps:` policy overrides, e.g.
 * `steps: { chargeCard: { timeout: 30s, retry: { maximumAttempts: 5, initialInterval: 2s } } }`.
 * Step names are checked against the job type's real steps (and compensations).
 */
import { z } from 'zod';
import { overridableStepNames, type JobType } from '../job-types/define';
import type { StepOverride } from '../types';
import { parseDuration } from '../duration';
import { duration, strictObject } from './zod-helpers';

/** Step timeouts and intervals must be positive. */
const positiveDuration = duration({ ms: 1, label: '1ms' });

const retrySchema = strictObject({
  initialInterval: positiveDuration.optional(),
  backoffCoefficient: z.number().min(1, 'must be at least 1').optional(),
  maximumInterval: positiveDuration.optional(),
  maximumAttempts: z.int('must be a whole number').min(1, 'must be at least 1').optional(),
  nonRetryableErrorTypes: z.array(z.string().min(1)).optional(),
});

/** One step's override. */
export const stepOverrideSchema = strictObject({
  /** The step's start-to-close timeout. */
  timeout: positiveDuration.optional(),
  scheduleToCloseTimeout: positiveDuration.optional(),
  heartbeatTimeout: positiveDuration.optional(),
  retry: retrySchema.optional(),
});

/** The `steps:` map of a job. */
export const stepOverridesSchema = z.record(z.string(), stepOverrideSchema);

/** A validated `steps:` map, durations still as written. */
export type StepOverridesInput = z.output<typeof stepOverridesSchema>;

/** Problems with step names: one per name the job type does not have, with the valid names. */
export function unknownStepIssues(
  type: Pick<JobType, 'name' | 'steps'>,
  steps: StepOverridesInput,
): { path: string[]; message: string }[] {
  const valid = overridableStepNames(type);
  return Object.keys(steps)
    .filter((name) => !valid.includes(name))
    .map((name) => ({
      path: ['steps', name],
      message: `job type '${type.name}' has no step '${name}' (steps: ${valid.join(', ')})`,
    }));
}

/** Converts validated overrides to what the workflow receives (durations in milliseconds). */
export function toStepOverrides(steps: StepOverridesInput): Record<string, StepOverride> {
  const ms = (text: string | undefined) => (text === undefined ? undefined : parseDuration(text));
  return Object.fromEntries(
    Object.entries(steps).map(([name, o]) => {
      const retry = o.retry && {
        initialInterval: ms(o.retry.initialInterval),
        backoffCoefficient: o.retry.backoffCoefficient,
        maximumInterval: ms(o.retry.maximumInterval),
        maximumAttempts: o.retry.maximumAttempts,
        nonRetryableErrorTypes: o.retry.nonRetryableErrorTypes,
      };
      const override: StepOverride = {
        timeout: ms(o.timeout),
        scheduleToCloseTimeout: ms(o.scheduleToCloseTimeout),
        heartbeatTimeout: ms(o.heartbeatTimeout),
        retry: retry && dropUndefined(retry),
      };
      return [name, dropUndefined(override)];
    }),
  );
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
