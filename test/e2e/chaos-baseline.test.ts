/**
 * The classic baseline of the chaos comparison (scripts/chaos/): replica processes each running
 * the same crons with croner and a Redis lock per fire, running the product's billing activities
 * in process, against the machine's Redis and a real PostgreSQL schema. Without faults each fire
 * runs once and a failing step is compensated; a lock holder killed mid-run loses its fire for
 * good; a replica resumed after SIGSTOP runs the fire it had armed for, late, a second time.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  BaselineFleet,
  baselineRuns,
  baselineWorkflowId,
  ensureBaselineTables,
  expectedBaselineFires,
  type BaselineFleetOptions,
  type BaselineJob,
  type BaselineRunRow,
} from '../../scripts/chaos/baseline';
import { count, startTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually } from '../helpers/temporal';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const sameFire = (jobId: string, fireTime: Date) => (r: BaselineRunRow) =>
  r.jobId === jobId && r.fireTime.getTime() === fireTime.getTime();

describe('classic baseline: croner in every replica, a Redis lock per fire', () => {
  let db: TestDatabase;

  before(async () => {
    const redis = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await redis.connect();
      assert.equal(await redis.ping(), 'PONG');
    } catch (err) {
      throw new Error(`these tests need Redis at ${REDIS_URL} (set REDIS_URL): ${String(err)}`);
    } finally {
      redis.disconnect();
    }
    db = await startTestDatabase();
    await ensureBaselineTables(db.pool);
  });
  after(async () => {
    await db?.close();
  });

  /** Runs `body` with a started fleet of `replicas`, always stopping it. */
  async function withFleet(
    options: Omit<BaselineFleetOptions, 'settings'> & {
      settings: Omit<BaselineFleetOptions['settings'], 'redisUrl' | 'databaseUrl'>;
    },
    body: (fleet: BaselineFleet) => Promise<void>,
  ): Promise<void> {
    const fleet = new BaselineFleet({
      ...options,
      settings: { ...options.settings, redisUrl: REDIS_URL, databaseUrl: db.url },
      log: (line) => {
        if (process.env.CHAOS_BASELINE_LOG) console.log(line);
      },
    });
    try {
      await fleet.start();
      await body(fleet);
    } finally {
      await fleet.stop();
    }
    assert.deepEqual(fleet.pids(), [], 'every replica exited');
  }

  const status = async (table: 'invoices' | 'payment_charges', key: string) => {
    const { rows } = await db.pool.query<{ status: string }>(
      `SELECT status FROM ${table} WHERE idempotency_key = $1`,
      [key],
    );
    return rows.map((r) => r.status);
  };

  it('without faults runs each fire once, and compensates a run whose sendInvoice fails', async () => {
    const runTag = `ok-${randomUUID().slice(0, 8)}`;
    const jobs: BaselineJob[] = [
      { id: `${runTag}-a`, cron: '* * * * * *', customer: 'acme', amountCents: 100 },
      { id: `${runTag}-b`, cron: '* * * * * *', customer: 'globex', amountCents: 200 },
      {
        id: `${runTag}-fails`,
        cron: '*/2 * * * * *',
        customer: 'initech',
        amountCents: 300,
        fail: { step: 'sendInvoice', kind: 'non-retryable' },
      },
    ];
    // A run holds its lock ~1 s: longer than any replica's timer lags on a busy machine, so a late
    // tick finds the lock still held (released earlier, a late tick would run the fire again).
    let expected: { jobId: string; fireTime: Date }[] = [];
    await withFleet(
      { replicas: 3, settings: { runTag, lockTtlMs: 10_000, stepDelayMs: 300, jobs } },
      async () => {
        // Every replica armed its crons before reporting ready: fires from now on are contested by all.
        const from = new Date();
        expected = expectedBaselineFires(jobs, from, new Date(from.getTime() + 4_000));
        await eventually(
          'every fire of the window to finish',
          async () => {
            const runs = await baselineRuns(db.pool, runTag);
            return expected.every((f) => runs.some((r) => sameFire(f.jobId, f.fireTime)(r) && r.finishedAt))
              ? true
              : undefined;
          },
          20_000,
        );
      },
    );

    const runs = await baselineRuns(db.pool, runTag);
    assert.ok(expected.length >= 8, `expected fires in the window: ${expected.length}`);
    for (const { jobId, fireTime } of expected) {
      const fireRuns = runs.filter(sameFire(jobId, fireTime));
      assert.equal(fireRuns.length, 1, `${jobId} at ${fireTime.toISOString()}: one run`);
      const wf = baselineWorkflowId(jobId, fireTime);
      if (jobId.endsWith('-fails')) {
        assert.equal(fireRuns[0]?.outcome, 'compensated', wf);
        assert.deepEqual(await status('invoices', `${wf}/reserveInvoice`), ['void'], `${wf}: invoice voided`);
        assert.deepEqual(
          await status('payment_charges', `${wf}/chargeCard`),
          ['refunded'],
          `${wf}: refunded`,
        );
        assert.equal(
          await count(
            db.pool,
            'SELECT count(*)::int AS n FROM invoice_deliveries WHERE idempotency_key = $1',
            [`${wf}/sendInvoice`],
          ),
          0,
        );
      } else {
        assert.equal(fireRuns[0]?.outcome, 'completed', wf);
        assert.deepEqual(await status('invoices', `${wf}/reserveInvoice`), ['sent'], `${wf}: invoice sent`);
        assert.deepEqual(await status('payment_charges', `${wf}/chargeCard`), ['captured'], `${wf}: charged`);
      }
    }
    // Outside the window too: no fire ran twice, and stop() let every run in flight finish.
    const keys = runs.map((r) => `${r.jobId}@${r.fireTime.toISOString()}`);
    assert.equal(new Set(keys).size, keys.length, 'no fire ran twice');
    assert.deepEqual(
      runs.filter((r) => !r.finishedAt),
      [],
      'SIGTERM waits for the runs in flight',
    );
  });

  it('loses the fire whose lock holder is SIGKILLed mid-run: nobody runs it again', async () => {
    const runTag = `kill-${randomUUID().slice(0, 8)}`;
    const jobs: BaselineJob[] = [
      { id: `${runTag}-a`, cron: '* * * * * *', customer: 'acme', amountCents: 100 },
    ];
    // Longer than a run (~2.4 s): a lock expires only when its holder died.
    const lockTtlMs = 3_000;
    let victim: BaselineRunRow | undefined;
    let killedAt = 0;
    await withFleet(
      { replicas: 3, restartDelayMs: 300, settings: { runTag, lockTtlMs, stepDelayMs: 800, jobs } },
      async (fleet) => {
        // The newest run still in flight (its three steps take ~2.4 s): kill its replica now.
        victim = await eventually('a run in flight', async () => {
          const live = fleet.pids();
          const inFlight = (await baselineRuns(db.pool, runTag)).filter(
            (r) => !r.finishedAt && live.includes(r.pid),
          );
          return inFlight.at(-1);
        });
        process.kill(victim.pid, 'SIGKILL');
        killedAt = Date.now();
        // The fleet restarts the dead replica; fires after the lost lock expired still run, and
        // nobody takes up the lost one.
        await eventually('the killed replica to be replaced', () => {
          const pids = fleet.pids();
          return Promise.resolve(pids.length === 3 && !pids.includes(victim!.pid) ? true : undefined);
        });
        await eventually(
          'a later fire to complete',
          async () =>
            (await baselineRuns(db.pool, runTag)).find(
              (r) => r.fireTime.getTime() > killedAt + lockTtlMs && r.outcome === 'completed',
            ),
          20_000,
        );
      },
    );

    assert.ok(victim);
    const runs = await baselineRuns(db.pool, runTag);
    const lost = runs.filter(sameFire(victim.jobId, victim.fireTime));
    assert.equal(lost.length, 1, 'no replica ran the lost fire again');
    assert.equal(lost[0]?.pid, victim.pid);
    assert.equal(lost[0]?.finishedAt, null, 'the run never finished');
    assert.equal(lost[0]?.outcome, null);
    const wf = baselineWorkflowId(victim.jobId, victim.fireTime);
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM invoice_deliveries WHERE idempotency_key = $1', [
        `${wf}/sendInvoice`,
      ]),
      0,
      'its invoice was never sent',
    );
    // Only the killed process's runs are unfinished; every other run of the fleet finished.
    assert.deepEqual(
      runs.filter((r) => !r.finishedAt && r.pid !== victim!.pid),
      [],
    );
  });

  it('a replica resumed after SIGSTOP runs the fire it had armed for, late, a second time', async () => {
    const runTag = `stop-${randomUUID().slice(0, 8)}`;
    const jobs: BaselineJob[] = [
      { id: `${runTag}-a`, cron: '* * * * * *', customer: 'acme', amountCents: 100 },
    ];
    const pauseMs = 2_500;
    let stoppedPid = 0;
    let stoppedAt = 0;
    // A run of the frozen replica that started long after its fire time.
    const isLate = (r: BaselineRunRow) =>
      r.pid === stoppedPid && r.startedAt.getTime() - r.fireTime.getTime() >= pauseMs - 1_000;
    await withFleet(
      { replicas: 3, settings: { runTag, lockTtlMs: 10_000, stepDelayMs: 100, jobs } },
      async (fleet) => {
        await eventually('a first run', async () =>
          (await baselineRuns(db.pool, runTag)).find((r) => r.finishedAt),
        );
        stoppedPid = fleet.pids()[0]!;
        process.kill(stoppedPid, 'SIGSTOP');
        stoppedAt = Date.now();
        try {
          await sleep(pauseMs); // the fault: the process is frozen this long
        } finally {
          process.kill(stoppedPid, 'SIGCONT');
        }
        await eventually('the resumed replica to run its late fire', async () =>
          (await baselineRuns(db.pool, runTag)).find((r) => isLate(r) && r.finishedAt),
        );
      },
    );

    const runs = await baselineRuns(db.pool, runTag);
    const late = runs.find(isLate);
    assert.ok(late);
    // The nominal time is the one armed before the freeze, not the time the process woke.
    assert.ok(
      late.fireTime.getTime() <= stoppedAt + 1_000,
      `fire ${late.fireTime.toISOString()} armed before the freeze`,
    );
    const twice = runs.filter(sameFire(late.jobId, late.fireTime));
    assert.equal(twice.length, 2, 'another replica had run that fire on time');
    assert.ok(twice.every((r) => r.outcome === 'completed'));
    // The duplicate charged nobody twice only because it reused the product's idempotency keys.
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1', [
        `${baselineWorkflowId(late.jobId, late.fireTime)}/chargeCard`,
      ]),
      1,
    );
  });
});
