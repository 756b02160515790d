/** Checking a run's input again inside a step. */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

/**
 * Parses a run's input with its job type's schema. `apply` validated it already, but a run may
 * have been started by hand, or from a schedule written by an older durable-cron.
 * @throws {ApplicationFailure} non-retryable `InvalidInput` listing every problem by field
 */
export function checkStepInput<S extends z.ZodType>(schema: S, input: unknown, jobType: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${['input', ...i.path.map(String)].join('.')}: ${i.message}`,
  );
  throw ApplicationFailure.nonRetryable(`invalid ${jobType} input: ${problems.join('; ')}`, 'InvalidInput');
}
