/** `daily-summary` steps: summarize the fire time's day, then publish it as a file. */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { idempotencyKey, localDate, type StepContext } from '../../../src';

/** Summary of one day, as computed by `summarizeDay`. */
export interface DaySummary {
  readonly title: string;
  /** The fire time's calendar date in the job's timezone, YYYY-MM-DD. */
  readonly date: string;
  readonly timezone: string;
  readonly fireTime: string;
}

/** Builds the summary activities. */
export function createSummaryActivities(deps: { dataDir: string }) {
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
      // Unique per write: several runs of one day (backfilled fires) may publish at once.
      const tmp = `${location}.${randomUUID()}.tmp`;
      await writeFile(
        tmp,
        JSON.stringify({ ...summary, customer: ctx.customer, env: ctx.env, idempotencyKey: key }, null, 2),
      );
      await rename(tmp, location);
      return { location, created: true };
    },
  };
}
