/**
 * Automatic heartbeats for every step. A step whose activity has a heartbeat timeout is retried on
 * another worker as soon as heartbeats stop, so a worker process that dies (SIGKILL, OOM, a lost
 * machine) costs seconds instead of the step's whole start-to-close timeout. Job authors write
 * nothing for it: this interceptor heartbeats while the step runs.
 *
 * Hazard: a heartbeat replaces the details the server keeps for the next attempt. A step that
 * records progress in its heartbeats (`db-backup` resumes from them) must not have it erased by
 * an automatic beat, so automatic beats repeat the step's latest details, starting from those the
 * previous attempt left.
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Automatic beats per heartbeat timeout (the SDK throttles what it actually sends). */
const BEATS_PER_TIMEOUT = 4;

/** Never beat more often than this. */
const MIN_INTERVAL_MS = 250;

/**
 * How often to beat for a heartbeat timeout, or undefined when the step has none.
 * @param heartbeatTimeoutMs the activity's heartbeat timeout
 */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number | undefined): number | undefined {
  if (heartbeatTimeoutMs === undefined || heartbeatTimeoutMs <= 0) return undefined;
  return Math.max(MIN_INTERVAL_MS, Math.floor(heartbeatTimeoutMs / BEATS_PER_TIMEOUT));
}

/** Heartbeats every running step that has a heartbeat timeout, keeping its latest details. */
export const heartbeatInterceptors: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const interval = heartbeatIntervalMs(ctx.info.heartbeatTimeoutMs);
      if (interval === undefined) return next(input);
      const send = ctx.heartbeat;
      let details: unknown = ctx.info.heartbeatDetails;
      // The step's own heartbeats go through, and their details become what automatic beats repeat.
      Object.defineProperty(ctx, 'heartbeat', {
        configurable: true,
        value: (d?: unknown) => {
          details = d;
          send(d);
        },
      });
      const timer = setInterval(() => send(details), interval);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
