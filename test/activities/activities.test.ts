/**
 * Activities alone (MockActivityEnvironment) against a real PostgreSQL schema: each effect happens
 * once per idempotency key, however often the step runs.
 */
// Activities are plain functions that never use `this`; passing them unbound is how workers call them.
/* eslint-disable @typescript-eslint/unbound-method */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { createActivities } from '../../examples/shop/activities';
import { seed } from '../../examples/shop/seed';
import type { StepContext } from '../../src/types';
import { count, startTestDatabase, type TestDatabase } from '../helpers/database';

/** An activity environment that looks like attempt `attempt` of a step of run `workflowId`. */
function env(workflowId: string, extra: Partial<Info> = {}): MockActivityEnvironment {
  return new MockActivityEnvironment({
    workflowExecution: { workflowId, runId: randomUUID() },
    ...extra,
  });
}

/** Runs an activity in an environment, keeping its result type. */
async function run<A extends unknown[], R>(
  environment: MockActivityEnvironment,
  fn: (...args: A) => Promise<R>,
  ...args: A
): Promise<R> {
  return await environment.run(fn, ...args);
}

describe('activities on PostgreSQL', () => {
  let db: TestDatabase;
  let acts: ReturnType<typeof createActivities>;
  const ctx = (jobId: string): StepContext => ({
    jobId,
    customer: 'acme',
    env: 'test',
    timezone: 'America/New_York',
    fireTime: '2026-11-20T03:00:00.000Z',
  });

  before(async () => {
    db = await startTestDatabase();
    await seed(db.pool, new Date('2026-11-20T03:00:00Z'));
    acts = createActivities({ dataDir: '/nonexistent', db: db.pool });
  });
  after(async () => {
    await db?.close();
  });

  it('chargeCard run twice (another run of the same fire, another attempt) charges once', async () => {
    const wf = `billing-${randomUUID()}`;
    const input = { amountCents: 500, invoiceNumber: 1 };
    const first = await run(env(wf), acts.chargeCard, ctx('b'), input);
    const second = await run(env(wf, { attempt: 2 }), acts.chargeCard, ctx('b'), input);
    assert.equal(second.chargeId, first.chargeId);
    assert.equal(
      await count(db.pool, 'SELECT count(*)::int AS n FROM payment_charges WHERE idempotency_key = $1', [
        `${wf}/chargeCard`,
      ]),
      1,
    );
  });

  it('reserveInvoice and its compensation voidInvoice each act once; the period is the local date', async () => {
    const wf = `billing-${randomUUID()}`;
    const a = await run(env(wf), acts.reserveInvoice, ctx('b'), { amountCents: 100 });
    const b = await run(env(wf), acts.reserveInvoice, ctx('b'), { amountCents: 100 });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.number, a.number);
    // 03:00 UTC on the 20th is the evening of the 19th in New York.
    assert.equal(a.period, '2026-11-19');
    const v1 = await run(env(wf), acts.voidInvoice, ctx('b'), { amountCents: 100 });
    const v2 = await run(env(wf), acts.voidInvoice, ctx('b'), { amountCents: 100 });
    assert.equal(v1.voided, a.number);
    assert.deepEqual(v2, v1);
    assert.equal(
      await count(db.pool, "SELECT count(*)::int AS n FROM invoices WHERE number = $1 AND status = 'void'", [
        a.number,
      ]),
      1,
    );
  });

  it('refundCharge refunds once, and does nothing when the step never charged', async () => {
    const wf = `billing-${randomUUID()}`;
    assert.deepEqual(await run(env(wf), acts.refundCharge, ctx('b'), { amountCents: 1 }), { refundId: null });
    await run(env(wf), acts.chargeCard, ctx('b'), { amountCents: 700, invoiceNumber: 1 });
    const r1 = await run(env(wf), acts.refundCharge, ctx('b'), { amountCents: 700 });
    const r2 = await run(env(wf, { attempt: 3 }), acts.refundCharge, ctx('b'), { amountCents: 700 });
    assert.ok(r1.refundId);
    assert.equal(r2.refundId, r1.refundId);
    assert.equal(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM payment_refunds r JOIN payment_charges c ON c.id = r.charge_id
         WHERE c.idempotency_key = $1 AND c.status = 'refunded'`,
        [`${wf}/chargeCard`],
      ),
      1,
    );
  });

  it('cancelOrderBatch run concurrently cancels each due order once and restores its stock once', async () => {
    const stockBefore = await count(db.pool, 'SELECT sum(stock)::int AS n FROM products');
    const due = await count(
      db.pool,
      "SELECT count(*)::int AS n FROM orders WHERE status = 'pending' AND created_at <= $1",
      [new Date('2026-11-20T02:30:00Z')],
    );
    assert.equal(due, 2);
    const runs = await Promise.all(
      [1, 2, 3].map((i) =>
        run(env(`cancel-${i}-${randomUUID()}`), acts.cancelOrderBatch, ctx('c'), {
          olderThan: '30m',
          batchSize: 1,
        }),
      ),
    );
    const again = await run(env(`cancel-${randomUUID()}`), acts.cancelOrderBatch, ctx('c'), {
      olderThan: '30m',
      batchSize: 10,
    });
    const cancelled = [...runs.flatMap((r) => r.cancelled), ...again.cancelled].sort();
    assert.equal(cancelled.length, 2);
    assert.equal(new Set(cancelled).size, 2);
    const restored = await count(db.pool, 'SELECT sum(quantity)::int AS n FROM orders WHERE id = ANY($1)', [
      cancelled,
    ]);
    assert.equal(await count(db.pool, 'SELECT sum(stock)::int AS n FROM products'), stockBefore + restored);
    // The 5-minute-old unpaid order is not due as of the fire time.
    assert.equal(await count(db.pool, "SELECT count(*)::int AS n FROM orders WHERE status = 'pending'"), 1);
  });

  it('saveReport for the same fire twice leaves one report', async () => {
    const wf = `report-${randomUUID()}`;
    const aggregate = await run(env(wf), acts.aggregateOrders, ctx('report-job'));
    assert.equal(aggregate.date, '2026-11-19');
    const first = await run(env(wf), acts.saveReport, ctx('report-job'), aggregate);
    const second = await run(env(wf), acts.saveReport, ctx('report-job'), aggregate);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(
      await count(db.pool, "SELECT count(*)::int AS n FROM reports WHERE job_id = 'report-job'"),
      1,
    );
  });

  it('syncShard twice for one key syncs once', async () => {
    const wf = `sync-${randomUUID()}`;
    const a = await run(env(wf), acts.syncShard, ctx('s'), { shard: 1, shards: 4 });
    const b = await run(env(wf, { attempt: 2 }), acts.syncShard, ctx('s'), { shard: 1, shards: 4 });
    assert.equal(a.rows, 50);
    assert.equal(a.created, true);
    assert.deepEqual({ ...b, created: true }, a);
    assert.equal(b.created, false);
  });

  it('backupTable resumes from its heartbeat details and never rewrites earlier chunks', async () => {
    const wf = `backup-${randomUUID()}`;
    const heartbeats: unknown[] = [];
    const first = env(wf);
    first.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const full = await run(first, acts.backupTable, ctx('bk'), { table: 'sync_source', chunkSize: 40 });
    assert.deepEqual(full, { table: 'sync_source', chunks: 5, rows: 200, resumedFrom: 0, attempt: 1 });
    assert.deepEqual(heartbeats.at(-1), { nextChunk: 5 });

    const wf2 = `backup-${randomUUID()}`;
    const resumed = await run(
      env(wf2, { attempt: 2, heartbeatDetails: { nextChunk: 3 } }),
      acts.backupTable,
      ctx('bk'),
      { table: 'sync_source', chunkSize: 40 },
    );
    assert.equal(resumed.resumedFrom, 3);
    const chunks = await db.pool.query<{ chunk: number }>(
      'SELECT chunk FROM backup_chunks WHERE backup_key = $1 ORDER BY chunk',
      [`${wf2}/backupTable`],
    );
    assert.deepEqual(
      chunks.rows.map((r) => r.chunk),
      [3, 4],
    );
  });
});
