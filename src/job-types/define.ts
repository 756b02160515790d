/**
 * How a job type is declared: its name, the workflow that runs it, the zod schema of its input,
 * and its ordered steps (each with its activity, optional compensation, and default policy).
 */
import type { z } from 'zod';
import type { StepDefinition } from '../types';

/** A job type as the library sees it (workflow code lives in `workflows/`). */
export interface JobTypeDefinition<I = unknown> {
  /** Name used in the jobs file's `type` field. */
  readonly name: string;
  /** Workflow function name exported by `workflows/index.ts`. */
  readonly workflowType: string;
  readonly description: string;
  /** Schema of the job's `input`. */
  readonly input: z.ZodType<I>;
  /** The steps, in order (fan-out job types list their one repeated step). */
  readonly steps: readonly StepDefinition[];
}

/**
 * Declares a job type with its input type inferred from the schema. `steps` is the name-keyed
 * step table from `workflows/job-steps.ts`, the same objects the workflow runs with.
 */
export function defineJob<S extends z.ZodType>(def: {
  name: string;
  workflowType: string;
  description: string;
  input: S;
  steps: Readonly<Record<string, StepDefinition>>;
}): JobTypeDefinition<z.output<S>> {
  return { ...def, steps: Object.values(def.steps) } as JobTypeDefinition<z.output<S>>;
}

/** Names a jobs file's `steps:` may override: every step and every compensation. */
export function overridableStepNames(type: Pick<JobTypeDefinition, 'steps'>): string[] {
  return type.steps.flatMap((s) => (s.compensation ? [s.name, s.compensation] : [s.name]));
}
