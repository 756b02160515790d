/**
 * One replica of the classic design durable-cron replaces (a test harness, not product code):
 * every replica runs the same crons in process with croner; on each fire it tries the fire's
 * Redis lock, and the winner runs the billing saga in process and releases the lock. Nothing
 * remembers a run its process dies in.
 *
 * Usage: node dist/scripts/chaos/baseline-replica.js '<ReplicaSettings as JSON>'
 * Sends `{ type: 'ready' }` over IPC (when spawned with one) once its crons are armed. SIGTERM
 * (or losing its parent) stops the crons, waits for the runs in flight, and exits 0.
 */
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import type { Cron } from 'croner';
import { runBaselineBilling } from './baseline-billing';
import { recordRunEnd, recordRunStart } from './baseline-runs';
import {
  baselineLockKey,
  baselineWorkflowId,
  isoSeconds,
  parseReplicaSettings,
  type BaselineJob,
  type ReplicaSettings,
} from './baseline-settings';
import { scheduleTicks } from './cron-ticks';
import { releaseLock, tryLock } from './redis-lock';

function logError(settings: ReplicaSettings | undefined, what: string, err: unknown): void {
  const error = err instanceof Error ? err.message : String(err);
  console.error(JSON.stringify({ replica: settings?.replica, pid: process.pid, what, error }));
}

/** Runs one fire of one job if this replica wins its lock. */
async function fire(
  settings: ReplicaSettings,
  db: Pool,
  redis: Redis,
  job: BaselineJob,
  fireTime: Date,
): Promise<void> {
  const owner = `replica-${settings.replica}:${process.pid}`;
  const lock = await tryLock(
    redis,
    baselineLockKey(settings.runTag, job.id, fireTime),
    settings.lockTtlMs,
    owner,
  );
  if (!lock) return;
  try {
    const id = await recordRunStart(db, {
      runTag: settings.runTag,
      jobId: job.id,
      fireTime,
      replica: settings.replica,
      pid: process.pid,
    });
    const result = await runBaselineBilling(db, {
      workflowId: baselineWorkflowId(job.id, fireTime),
      ctx: {
        jobId: job.id,
        customer: job.customer,
        env: job.env ?? 'chaos',
        timezone: job.timezone ?? 'UTC',
        fireTime: fireTime.toISOString(),
      },
      amountCents: job.amountCents,
      ...(job.fail ? { fail: job.fail } : {}),
      stepDelayMs: settings.stepDelayMs,
    });
    await recordRunEnd(db, id, result.outcome);
    if (settings.verbose) {
      const lateMs = Date.now() - fireTime.getTime();
      console.log(
        JSON.stringify({
          replica: settings.replica,
          pid: process.pid,
          job: job.id,
          fireTime: isoSeconds(fireTime),
          lateMs,
          ...result,
        }),
      );
    }
  } finally {
    const released = await releaseLock(redis, lock).catch((err: unknown) => {
      logError(settings, `release ${lock.key}`, err);
      return true;
    });
    if (!released) logError(settings, `release ${lock.key}`, 'the lock had expired before the run ended');
  }
}

async function main(): Promise<void> {
  const settings = parseReplicaSettings(process.argv[2]);
  const db = new Pool({ connectionString: settings.databaseUrl, max: 4 });
  db.on('error', (err) => logError(settings, 'database pool', err));
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', () => {}); // Command failures are reported by the fire that issued them.
  await redis.connect();
  await db.query('SELECT 1 FROM chaos_baseline_runs LIMIT 0');

  const inFlight = new Set<Promise<void>>();
  const crons: Cron[] = settings.jobs.map((job) =>
    scheduleTicks(
      job.cron,
      job.timezone ?? 'UTC',
      (fireTime) => {
        const run = fire(settings, db, redis, job, fireTime);
        inFlight.add(run);
        return run.finally(() => inFlight.delete(run));
      },
      (err) => logError(settings, `job ${job.id}`, err),
    ),
  );

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    for (const cron of crons) cron.stop();
    await Promise.allSettled([...inFlight]);
    await redis.quit().catch(() => redis.disconnect());
    await db.end().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  // Spawned by a fleet: a replica outliving its fleet would keep taking locks nobody watches.
  process.on('disconnect', () => void shutdown());
  process.send?.({ type: 'ready' });
}

main().catch((err: unknown) => {
  logError(undefined, 'start', err);
  process.exit(1);
});
