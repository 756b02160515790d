/**
 * Activity interceptors of the worker pool: every step logs its start and end with workflowId,
 * job, step and attempt, and records its duration in the `durable_cron_step_duration` histogram.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** The job id a step works for: from its first argument (the step context), else unknown. */
function jobOf(args: unknown[]): string | undefined {
  const first = args[0] as { jobId?: unknown } | undefined;
  return typeof first?.jobId === 'string' ? first.jobId : undefined;
}

/** Logs and times every step. */
export const stepInterceptors: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const info = ctx.info;
      const step = info.activityType;
      const meta = {
        workflowId: info.workflowExecution?.workflowId,
        job: jobOf(input.args),
        step,
        attempt: info.attempt,
      };
      const duration = ctx.metricMeter.createHistogram(
        'durable_cron_step_duration',
        'int',
        'ms',
        'Duration of one step attempt, by step and outcome',
      );
      const started = Date.now();
      ctx.log.info('step started', meta);
      try {
        const result = await next(input);
        const durationMs = Date.now() - started;
        duration.record(durationMs, { step, outcome: 'completed' });
        ctx.log.info('step completed', { ...meta, durationMs });
        return result;
      } catch (err) {
        const durationMs = Date.now() - started;
        duration.record(durationMs, { step, outcome: 'failed' });
        ctx.log.warn('step failed', {
          ...meta,
          durationMs,
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      }
    },
  },
});
