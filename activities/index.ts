/**
 * Every side effect of durable-cron's job types. Activities are built by a factory that takes
 * their dependencies, so tests pass real or fake ones without monkey-patching.
 */
import { ApplicationFailure, activityInfo } from '@temporalio/activity';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepContext } from '../src/types';

/** What activities need from the outside world. */
export interface ActivityDeps {
  /** Directory for file-based effects (reports). */
  readonly dataDir: string;
}

/** Summary of one day, as computed by `summarizeDay`. */
export interface DaySummary {
  readonly title: string;
  /** The fire time's calendar date in the job's timezone, YYYY-MM-DD. */
  readonly date: string;
  readonly timezone: string;
  readonly fireTime: string;
}

/**
 * The idempotency key of the current step: `<workflowId>/<step>`. Stable across retries, replays
 * and a duplicate run of the same fire (run id and attempt are deliberately left out).
 */
export function idempotencyKey(step: string): string {
  const execution = activityInfo().workflowExecution;
  if (!execution)
    throw ApplicationFailure.nonRetryable(`step '${step}' ran outside a workflow`, 'NoWorkflow');
  return `${execution.workflowId}/${step}`;
}

/** Calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return parts.format(new Date(instant));
}

/** Builds the activities with their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Computes the summary of the fire time's day. Pure: safe to retry. */
    summarizeDay(ctx: StepContext, input: { title: string }): Promise<DaySummary> {
      return Promise.resolve({
        title: input.title,
        date: localDate(ctx.fireTime, ctx.timezone),
        timezone: ctx.timezone,
        fireTime: ctx.fireTime,
      });
    },

    /**
     * Writes the summary to `<dataDir>/reports/<jobId>/<date>.json`, once per idempotency key: a
     * retry or a duplicate run of the same fire finds the file written under its key and does nothing.
     */
    async publishSummary(
      ctx: StepContext,
      summary: DaySummary,
    ): Promise<{ location: string; created: boolean }> {
      const key = idempotencyKey('publishSummary');
      const dir = join(deps.dataDir, 'reports', ctx.jobId);
      const location = join(dir, `${summary.date}.json`);
      const existing = await readFile(location, 'utf8').catch(() => undefined);
      if (
        existing !== undefined &&
        (JSON.parse(existing) as { idempotencyKey?: string }).idempotencyKey === key
      ) {
        return { location, created: false };
      }
      await mkdir(dir, { recursive: true });
      const tmp = `${location}.${process.pid}.tmp`;
      await writeFile(
        tmp,
        JSON.stringify({ ...summary, customer: ctx.customer, env: ctx.env, idempotencyKey: key }, null, 2),
      );
      await rename(tmp, location);
      return { location, created: true };
    },
  };
}

/** The activity implementations' type, for `proxyActivities` in workflow code. */
export type Activities = ReturnType<typeof createActivities>;
