/**
 * Order steps: cancelling orders left unpaid, releasing their stock. Both are idempotent by state
 * (only `pending` orders are cancelled) and safe to run concurrently with themselves: rows being
 * cancelled by another run are skipped (`FOR UPDATE SKIP LOCKED`), never cancelled twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool } from 'pg';
import { idempotencyKey, inTransaction, parseDuration, requireDb, type StepContext } from '../../../src';

// Cancel the chosen pending orders and give their stock back, in one statement.
const CANCEL_SQL = `
WITH due AS (
  SELECT id FROM orders
  WHERE status = 'pending' AND %WHERE%
  ORDER BY created_at, id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
), cancelled AS (
  UPDATE orders o SET status = 'cancelled', cancelled_at = now(), cancelled_by = $3
  FROM due WHERE o.id = due.id
  RETURNING o.id, o.sku, o.quantity
), restocked AS (
  UPDATE products p SET stock = p.stock + s.quantity
  FROM (SELECT sku, sum(quantity)::int AS quantity FROM cancelled GROUP BY sku) s
  WHERE p.sku = s.sku
)
SELECT id FROM cancelled ORDER BY id`;

/** Builds the order activities. */
export function createOrderActivities(deps: { db?: Pool }) {
  return {
    /**
     * Cancels up to `batchSize` orders unpaid for `olderThan` as of the fire time (not as of now:
     * a backfilled fire cancels what was due then). Returns the ids it cancelled.
     */
    async cancelOrderBatch(
      ctx: StepContext,
      input: { olderThan: string; batchSize: number },
    ): Promise<{ cancelled: string[] }> {
      const db = requireDb(deps.db, 'cancelOrderBatch');
      const age = parseDuration(input.olderThan);
      if (age === undefined) {
        throw ApplicationFailure.nonRetryable(`olderThan '${input.olderThan}' is not a duration`, 'BadInput');
      }
      const cutoff = new Date(Date.parse(ctx.fireTime) - age);
      const { rows } = await inTransaction(db, (tx) =>
        tx.query<{ id: string }>(CANCEL_SQL.replace('%WHERE%', 'created_at <= $1'), [
          cutoff,
          input.batchSize,
          idempotencyKey('cancelOrderBatch'),
        ]),
      );
      return { cancelled: rows.map((r) => r.id) };
    },

    /** Cancels one order if it is still unpaid; reports the status it found otherwise. */
    async cancelOrder(
      _ctx: StepContext,
      input: { orderId: string },
    ): Promise<{ cancelled: boolean; status: string | null }> {
      const db = requireDb(deps.db, 'cancelOrder');
      return inTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ id: string }>(CANCEL_SQL.replace('%WHERE%', 'id = $1'), [
          input.orderId,
          1,
          idempotencyKey('cancelOrder'),
        ]);
        if (rows.length > 0) return { cancelled: true, status: 'cancelled' };
        const found = await tx.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [
          input.orderId,
        ]);
        return { cancelled: false, status: found.rows[0]?.status ?? null };
      });
    },
  };
}
