/**
 * The job types end to end: jobs file → schedules → backfilled fires → worker with the real
 * activities → effects in a real PostgreSQL schema. Sagas compensate exactly once, policies decide
 * retries, duplicates of a fire have no second effect, order timeouts take both paths.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createOrder, payOrder } from '../../examples/shop/orders';
import { seed } from '../../examples/shop/seed';
import { connectNative } from '../../src/connection';
import { EFFECTS_TABLE } from '../../src/db/tables';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { OUTCOME } from '../../src/search-attributes';
import type { InjectedFailure } from '../../src/worker/failure-injection';
import { createWorker } from '../../src/worker/worker';
import { count, startTestDatabase, type TestDatabase } from '../helpers/database';
import { activities } from '../helpers/history';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('job types end to end on PostgreSQL', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let closeNative: () => Promise<void>;
  const suffix = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-${suffix}`;
  // A past whole hour: every job below fires hourly, so this is one of their fire times.
  const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const fast = '{ initialInterval: 100ms, maximumAttempts: 2 }';

  const jobsFile = `
version: 1
jobs:
  - { id: ${id('bill-fail2')}, type: billing, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      steps: { chargeCard: { retry: ${fast} } } }
  - { id: ${id('bill-declined')}, type: billing, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      steps: { chargeCard: { retry: { initialInterval: 100ms } } } }
  - { id: ${id('bill-timeout')}, type: billing, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      steps: { chargeCard: { timeout: 1s, retry: { initialInterval: 100ms } } } }
  - { id: ${id('bill-cancel')}, type: billing, customer: globex, env: test, schedule: { cron: '0 * * * *' },
      steps: { sendInvoice: { heartbeatTimeout: 5s } } }
  - { id: ${id('bill-ok')}, type: billing, customer: initech, env: test, schedule: { cron: '0 * * * *' },
      input: { amountCents: 990 } }
  - { id: ${id('report')}, type: generate-report, customer: acme, env: test, schedule: { cron: '0 * * * *', timezone: Asia/Tokyo } }
  - { id: ${id('cancel-orders')}, type: cancel-timeout-orders, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { batchSize: 1 } }
  - { id: ${id('sync')}, type: data-sync, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { shards: 5, concurrency: 2 },
      steps: { syncShard: { retry: { initialInterval: 100ms } } } }
`;
  // The worker makes these steps fail (a test-only worker option, not part of any job's input).
  const failureInjection: InjectedFailure[] = [
    { job: id('bill-fail2'), step: 'chargeCard', kind: 'error' },
    { job: id('bill-declined'), step: 'chargeCard', kind: 'declined' },
    { job: id('bill-timeout'), step: 'chargeCard', kind: 'timeout', attempts: 1 },
    { job: id('bill-cancel'), step: 'sendInvoice', kind: 'hang' },
    { job: id('sync'), step: 'syncShard', input: { shard: 2 }, kind: 'error', attempts: 1 },
  ];

  before(async () => {
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    await seed(db.pool, fire);
    await applyJobs(temporal.client, parseJobsFile(jobsFile, 'jobs.yaml', shopRegistry()), {
      taskQueue: temporal.config.taskQueue,
      project: 'jobs',
    });
    const native = await connectNative(temporal.config);
    closeNative = () => native.close();
    worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry: shopRegistry(),
      deps: { dataDir: '/nonexistent', db: db.pool },
      shutdownGraceTime: '1s',
      failureInjection,
    });
    running = worker.run();
  });

  after(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await closeNative?.();
    await db?.close();
    await temporal?.stop();
  });

  /** Backfills the fire of `jobId` and returns the handle of the run it starts. */
  async function fireOnce(jobId: string): Promise<WorkflowHandle> {
    const handle = temporal.client.workflow.getHandle(fireWorkflowId(jobId, fire));
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually(`the run of ${jobId}`, () => handle.describe());
    return handle;
  }

  const failureOf = (handle: WorkflowHandle) =>
    handle.result().then(
      () => assert.fail(`${handle.workflowId} should fail`),
      (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        return err;
      },
    );

  it('failure at step 2 compensates step 1 exactly once, and the run is found by outcome', async () => {
    const jobId = id('bill-fail2');
    const handle = await fireOnce(jobId);
    const err = await failureOf(handle);
    assert.match(
      err.cause?.message ?? '',
      /step 'chargeCard' failed: InjectedFailure.*compensated: reserveInvoice$/,
    );
    const history = await activities(handle);
    assert.deepEqual(
      history.map((a) => `${a.type}:${a.outcome}:${a.attempt}`),
      ['reserveInvoice:completed:1', 'chargeCard:failed:2', 'voidInvoice:completed:1'],
    );
    const key = `${handle.workflowId}/reserveInvoice`;
    assert.equal(
      await count(
        db.pool,
        "SELECT count(*)::int AS n FROM invoices WHERE idempotency_key = $1 AND status = 'void'",
        [key],
      ),
      1,
    );
    assert.equal(
      await count(db.pool, `SELECT count(*)::int AS n FROM ${EFFECTS_TABLE} WHERE idempotency_key = $1`, [
        `${handle.workflowId}/voidInvoice`,
      ]),
      1,
    );
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1', [
        `${handle.workflowId}/chargeCard`,
      ]),
      0,
    );
    const found = await eventually('the run by outcome', async () => {
      const ids: string[] = [];
      for await (const wf of temporal.client.workflow.list({
        query: `outcome = 'compensated' AND jobId = '${jobId}'`,
      }))
        ids.push(wf.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    assert.deepEqual(found, [handle.workflowId]);
    assert.equal((await handle.describe()).typedSearchAttributes.get(OUTCOME), 'compensated');
  });

  it('a non-retryable error is not retried', async () => {
    const handle = await fireOnce(id('bill-declined'));
    const err = await failureOf(handle);
    assert.match(err.cause?.message ?? '', /CardDeclined/);
    const history = await activities(handle);
    assert.deepEqual(
      history.map((a) => `${a.type}:${a.outcome}:${a.attempt}`),
      ['reserveInvoice:completed:1', 'chargeCard:failed:1', 'voidInvoice:completed:1'],
    );
  });

  it('a timed-out step is retried, and its effect still happens once', async () => {
    const handle = await fireOnce(id('bill-timeout'));
    const result = (await handle.result()) as { chargeId: string };
    const charge = (await activities(handle)).find((a) => a.type === 'chargeCard');
    assert.equal(charge?.attempt, 2);
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1', [
        `${handle.workflowId}/chargeCard`,
      ]),
      1,
    );
    assert.ok(result.chargeId.startsWith('ch_'));
  });

  it('cancelling a run runs the compensations of its completed steps', async () => {
    const handle = await fireOnce(id('bill-cancel'));
    await eventually('sendInvoice in progress', async () => {
      const history = await activities(handle);
      return history.some((a) => a.type === 'sendInvoice') ? true : undefined;
    });
    await handle.cancel();
    await eventually('the run to end cancelled', async () =>
      (await handle.describe()).status.name === 'CANCELLED' ? true : undefined,
    );
    const history = await activities(handle);
    // The cancelled step is abandoned (cancel requested, not awaited); the compensations run after it.
    assert.deepEqual(
      history.map((a) => a.type),
      ['reserveInvoice', 'chargeCard', 'sendInvoice', 'refundCharge', 'voidInvoice'],
    );
    assert.notEqual(history[2]?.outcome, 'completed');
    assert.deepEqual(
      history.filter((a) => a.type !== 'sendInvoice').map((a) => a.outcome),
      ['completed', 'completed', 'completed', 'completed'],
    );
    assert.equal(
      await count(
        db.pool,
        "SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1 AND status = 'refunded'",
        [`${handle.workflowId}/chargeCard`],
      ),
      1,
    );
    assert.equal(
      await count(
        db.pool,
        "SELECT count(*)::int AS n FROM invoices WHERE idempotency_key = $1 AND status = 'void'",
        [`${handle.workflowId}/reserveInvoice`],
      ),
      1,
    );
    assert.equal((await handle.describe()).typedSearchAttributes.get(OUTCOME), 'compensated');
  });

  it('a duplicate run of the same fire has no second effect', async () => {
    const jobId = id('bill-ok');
    const first = await fireOnce(jobId);
    const a = (await first.result()) as { invoiceNumber: number; chargeId: string };
    const firstRunId = (await first.describe()).runId;
    // Backfill starts a closed fire again (ALLOW_DUPLICATE): a second run with the same workflow id.
    await backfillFireTimes(temporal.client, jobId, [fire]);
    const second = await eventually('the second run', async () => {
      const d = await first.describe();
      return d.runId !== firstRunId && d.status.name === 'COMPLETED' ? d.runId : undefined;
    });
    const b = (await temporal.client.workflow.getHandle(first.workflowId, second).result()) as typeof a;
    assert.deepEqual(b.invoiceNumber, a.invoiceNumber);
    assert.deepEqual(b.chargeId, a.chargeId);
    const key = (step: string) => `${first.workflowId}/${step}`;
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1', [
        key('chargeCard'),
      ]),
      1,
    );
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM invoices WHERE idempotency_key = $1', [
        key('reserveInvoice'),
      ]),
      1,
    );
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM invoice_deliveries WHERE idempotency_key = $1', [
        key('sendInvoice'),
      ]),
      1,
    );
  });

  it("generate-report reports on the fire time's day in the job's timezone, once per re-run", async () => {
    const jobId = id('report');
    const handle = await fireOnce(jobId);
    const result = (await handle.result()) as { date: string; orders: number; fireTime: string };
    assert.equal(result.fireTime, fire.toISOString());
    assert.equal(result.date, new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(fire));
    const runId = (await handle.describe()).runId;
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually('the re-run', async () => {
      const d = await handle.describe();
      return d.runId !== runId && d.status.name === 'COMPLETED' ? true : undefined;
    });
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM reports WHERE job_id = $1', [jobId]),
      1,
    );
  });

  it('cancel-timeout-orders cancels, in batches, the orders unpaid 30 minutes as of the fire time', async () => {
    const handle = await fireOnce(id('cancel-orders'));
    const result = (await handle.result()) as { cancelled: string[]; batches: number };
    assert.equal(result.cancelled.length, 2);
    assert.equal(result.batches, 3);
    assert.equal(
      await count(
        db.pool,
        "SELECT count(*)::int AS n FROM orders WHERE status = 'cancelled' AND id = ANY($1)",
        [result.cancelled],
      ),
      2,
    );
  });

  it('data-sync retries a failed shard alone', async () => {
    const handle = await fireOnce(id('sync'));
    const result = (await handle.result()) as { rows: number };
    assert.equal(result.rows, 200);
    const shards = await db.pool.query<{ step: string; attempt: number }>(
      `SELECT step, (result->>'attempt')::int AS attempt FROM ${EFFECTS_TABLE} WHERE idempotency_key LIKE $1 ORDER BY step`,
      [`${handle.workflowId}/%`],
    );
    assert.deepEqual(
      shards.rows.map((r) => `${r.step}:${r.attempt}`),
      ['syncShard[0]:1', 'syncShard[1]:1', 'syncShard[2]:2', 'syncShard[3]:1', 'syncShard[4]:1'],
    );
  });

  it('order-timeout cancels an unpaid order when its delay passes, and leaves a paid one alone', async () => {
    const { client } = temporal;
    const queue = temporal.config.taskQueue;
    const order = (orderId: string, timeoutMs: number) => ({
      id: orderId,
      customerId: 'acme',
      sku: 'gadget',
      quantity: 2,
      amountCents: 500,
      timeoutMs,
    });
    const stock = () => count(db.pool, "SELECT stock AS n FROM products WHERE sku = 'gadget'");
    const before = await stock();
    const unpaid = await createOrder(db.pool, client, queue, order(`unpaid-${suffix}`, 2_000));
    const paid = await createOrder(db.pool, client, queue, order(`paid-${suffix}`, 60_000));
    assert.equal(await stock(), before - 4);
    assert.equal(await payOrder(db.pool, client, `paid-${suffix}`), true);
    assert.deepEqual(await paid.result(), { orderId: `paid-${suffix}`, outcome: 'paid' });
    assert.deepEqual(await unpaid.result(), { orderId: `unpaid-${suffix}`, outcome: 'cancelled' });
    const statuses = await db.pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM orders WHERE id = ANY($1) ORDER BY id',
      [[`paid-${suffix}`, `unpaid-${suffix}`]],
    );
    assert.deepEqual(
      statuses.rows.map((r) => `${r.id}:${r.status}`),
      [`paid-${suffix}:paid`, `unpaid-${suffix}:cancelled`],
    );
    assert.equal(await stock(), before - 2);
  });
});
