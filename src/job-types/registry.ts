/**
 * The job types the worker pool registers: for each, the workflow that runs it and the zod
 * schema its `input` must satisfy. The jobs file is validated against this list before anything
 * is sent to Temporal.
 */
import { z } from 'zod';

/** A job type as the library sees it (workflow code lives in `workflows/`). */
export interface JobTypeDefinition<I = unknown> {
  /** Name used in the jobs file's `type` field. */
  readonly name: string;
  /** Workflow function name exported by `workflows/index.ts`. */
  readonly workflowType: string;
  readonly description: string;
  /** Schema of the job's `input`. */
  readonly input: z.ZodType<I>;
}

/** Declares a job type with its input type inferred from the schema. */
export function defineJobType<S extends z.ZodType>(def: {
  name: string;
  workflowType: string;
  description: string;
  input: S;
}): JobTypeDefinition<z.output<S>> {
  return def as JobTypeDefinition<z.output<S>>;
}

/** `daily-summary`: summarizes the fire time's day (in the job's timezone) into a report file. */
export const dailySummary = defineJobType({
  name: 'daily-summary',
  workflowType: 'dailySummary',
  description: "Writes one summary per day of the fire time's date, in the job's timezone",
  input: z.strictObject({
    title: z.string().min(1).max(200).default('Daily summary'),
  }),
});

/** Every registered job type, by name. */
export const JOB_TYPES: ReadonlyMap<string, JobTypeDefinition> = new Map(
  [dailySummary as JobTypeDefinition].map((t) => [t.name, t]),
);

/** Names of the registered job types, sorted, for error messages. */
export function jobTypeNames(): string[] {
  return [...JOB_TYPES.keys()].sort();
}
