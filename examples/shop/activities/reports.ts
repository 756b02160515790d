/**
 * `generate-report` steps: aggregate the orders of the fire time's day (in the job's timezone),
 * then save one report row per job and day. Re-running the same fire replaces the row: one report.
 */
import type { Pool } from 'pg';
import { idempotencyKey, localDate, requireDb, type StepContext } from '../../../src';

/** The day's figures. */
export interface OrdersAggregate {
  /** The fire time's date in the job's timezone, YYYY-MM-DD. */
  readonly date: string;
  readonly orders: number;
  readonly paid: number;
  readonly cancelled: number;
  readonly revenueCents: number;
}

/** Builds the report activities. */
export function createReportActivities(deps: { db?: Pool }) {
  return {
    /** Aggregates the orders created on the fire time's local day. Read-only: safe to retry. */
    async aggregateOrders(ctx: StepContext): Promise<OrdersAggregate> {
      const db = requireDb(deps.db, 'aggregateOrders');
      const date = localDate(ctx.fireTime, ctx.timezone);
      const { rows } = await db.query<{ orders: number; paid: number; cancelled: number; revenue: string }>(
        `SELECT count(*)::int AS orders,
                (count(*) FILTER (WHERE status = 'paid'))::int AS paid,
                (count(*) FILTER (WHERE status = 'cancelled'))::int AS cancelled,
                coalesce(sum(amount_cents) FILTER (WHERE status = 'paid'), 0)::text AS revenue
         FROM orders
         WHERE created_at >= ($1::date)::timestamp AT TIME ZONE $2
           AND created_at < ($1::date + 1)::timestamp AT TIME ZONE $2`,
        [date, ctx.timezone],
      );
      const row = rows[0] ?? { orders: 0, paid: 0, cancelled: 0, revenue: '0' };
      return {
        date,
        orders: row.orders,
        paid: row.paid,
        cancelled: row.cancelled,
        revenueCents: Number(row.revenue),
      };
    },

    /** Saves the report: one row per (job, date), replaced by a re-run. */
    async saveReport(ctx: StepContext, aggregate: OrdersAggregate): Promise<{ created: boolean }> {
      const db = requireDb(deps.db, 'saveReport');
      const { rows } = await db.query<{ inserted: boolean }>(
        `INSERT INTO reports (job_id, report_date, timezone, fire_time, orders, paid, cancelled, revenue_cents, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (job_id, report_date) DO UPDATE SET
           orders = EXCLUDED.orders, paid = EXCLUDED.paid, cancelled = EXCLUDED.cancelled,
           revenue_cents = EXCLUDED.revenue_cents, fire_time = EXCLUDED.fire_time,
           idempotency_key = EXCLUDED.idempotency_key, generated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [
          ctx.jobId,
          aggregate.date,
          ctx.timezone,
          ctx.fireTime,
          aggregate.orders,
          aggregate.paid,
          aggregate.cancelled,
          aggregate.revenueCents,
          idempotencyKey('saveReport'),
        ],
      );
      return { created: rows[0]?.inserted ?? false };
    },
  };
}
