/**
 * Chaos harness only: the classic design under the same faults as durable-cron. Replicas that
 * each run the billing crons in process and take a Redis lock per fire, on a fresh database of
 * the machine's PostgreSQL; worker faults hit the replicas; PostgreSQL restarts once in the long
 * run; there is no scheduling server to restart. Then every expected fire and its effects.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  BaselineFleet,
  baselineRuns,
  baselineWorkflowId,
  ensureBaselineTables,
  expectedBaselineFires,
} from './baseline';
import type { BaselineJob } from './baseline';
import { createDatabase } from './product';
import { checkBillingEffects, type BillingFire } from './effects';
import { runFaults } from './faults';
import { restartPostgres, type ChaosResult, type ChaosSettings } from './shared';
import { seed } from '../../examples/shop/seed';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs the baseline under the fault plan and measures what happened. */
export async function runBaselineChaos(
  settings: ChaosSettings,
  lockTtlMs: number,
  log: (line: string) => void,
): Promise<ChaosResult> {
  const jobs: BaselineJob[] = settings.jobs
    .filter((j) => j.type === 'billing')
    .map((j) => ({
      id: j.id,
      cron: `*/${j.everySeconds} * * * * *`,
      customer: j.customer,
      amountCents: j.amountCents ?? 1000,
      ...(j.failAt ? { fail: { step: j.failAt, kind: 'non-retryable' as const } } : {}),
    }));
  const database = await createDatabase(settings.databaseUrl);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => {});
  const runTag = randomUUID().slice(0, 8);
  const fleet = new BaselineFleet({
    replicas: settings.processes,
    settings: {
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: database.url,
      runTag,
      lockTtlMs,
      stepDelayMs: settings.stepDelayMs,
      jobs,
    },
    log: () => {},
  });
  try {
    await ensureBaselineTables(pool);
    await seed(pool);
    await fleet.start();
    const from = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    log(
      `baseline: ${jobs.length} billing jobs on ${settings.processes} replicas; faults for ${settings.plan.durationMs / 1000}s`,
    );
    const faults = await runFaults(
      {
        workerPids: () => fleet.pids(),
        rollingRestart: () => fleet.rollingRestart(),
        restartPostgres: () => restartPostgres(log),
      },
      settings.plan,
      log,
    );
    const to = new Date(Math.floor(Date.now() / 1000) * 1000);
    // Let the runs in flight finish (a step takes stepDelayMs; three steps and compensations).
    log('baseline: faults stopped; letting runs in flight finish');
    await sleep(Math.max(5_000, lockTtlMs + 8 * settings.stepDelayMs));
    await fleet.stop();

    const expected = expectedBaselineFires(jobs, from, to);
    const runs = await baselineRuns(pool, runTag);
    const byFire = new Map<string, typeof runs>();
    for (const r of runs) {
      const key = baselineWorkflowId(r.jobId, r.fireTime);
      byFire.set(key, [...(byFire.get(key) ?? []), r]);
    }
    let ranOnce = 0;
    let compensated = 0;
    const missing: string[] = [];
    const doubled: string[] = [];
    const fires: BillingFire[] = [];
    for (const fire of expected) {
      const id = baselineWorkflowId(fire.jobId, fire.fireTime);
      const list = byFire.get(id) ?? [];
      const finished = list.filter((r) => r.finishedAt !== null);
      if (finished.length === 0) missing.push(id);
      if (list.length > 1) doubled.push(id);
      else if (finished.length === 1) ranOnce += 1;
      const outcome = finished.at(-1)?.outcome;
      if (outcome === 'compensated') compensated += 1;
      fires.push({
        workflowId: id,
        fireTime: fire.fireTime,
        outcome:
          outcome === 'completed' ? 'completed' : outcome === 'compensated' ? 'compensated' : undefined,
      });
    }
    const effects = await checkBillingEffects(pool, fires);
    return {
      design: `cron + Redis lock (${settings.processes} replicas, lock TTL ${lockTtlMs / 1000}s)`,
      window: { from: from.toISOString(), to: to.toISOString() },
      expected: expected.length,
      ranOnce,
      lost: missing.length,
      doubled: doubled.length,
      skippedByPolicy: 0,
      failed: 0,
      compensated,
      effects,
      faults,
      details: { missing, doubled, failed: [] },
    };
  } finally {
    await fleet.stop().catch(() => {});
    await pool.end().catch(() => {});
    await database.drop();
  }
}
