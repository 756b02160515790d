/**
 * The payment provider the billing job charges through. It stands in for an external API that
 * honours idempotency keys (as real providers do with an `Idempotency-Key` header): a second
 * request with the same key returns the first charge or refund instead of moving money again.
 * Its records live in `payment_charges` / `payment_refunds`, which only this module writes.
 */
import type { Pool } from 'pg';

/** A charge as the provider reports it. */
export interface Charge {
  readonly id: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly status: 'captured' | 'refunded';
}

/** A refund as the provider reports it. */
export interface Refund {
  readonly id: string;
  readonly chargeId: string;
  readonly amountCents: number;
}

/** The provider's API. */
export interface PaymentProvider {
  /** Captures `amountCents` from the customer, once per idempotency key. */
  charge(request: { idempotencyKey: string; customerId: string; amountCents: number }): Promise<Charge>;
  /** The charge made with `idempotencyKey`, if any. */
  findCharge(idempotencyKey: string): Promise<Charge | undefined>;
  /** Refunds a charge in full, once per idempotency key (and at most once per charge). */
  refund(request: { idempotencyKey: string; chargeId: string }): Promise<Refund>;
}

interface ChargeRow {
  id: string;
  customer_id: string;
  amount_cents: number;
  status: 'captured' | 'refunded';
}

const toCharge = (r: ChargeRow): Charge => ({
  id: r.id,
  customerId: r.customer_id,
  amountCents: r.amount_cents,
  status: r.status,
});

/** A provider backed by the database's `payment_*` tables. */
export function databasePaymentProvider(db: Pool): PaymentProvider {
  return {
    async charge({ idempotencyKey, customerId, amountCents }) {
      // ON CONFLICT … DO UPDATE (a no-op) returns the existing row to a repeated request.
      const { rows } = await db.query<ChargeRow>(
        `INSERT INTO payment_charges (id, idempotency_key, customer_id, amount_cents)
         VALUES ('ch_' || md5($1), $1, $2, $3)
         ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
         RETURNING id, customer_id, amount_cents, status`,
        [idempotencyKey, customerId, amountCents],
      );
      const row = rows[0];
      if (!row) throw new Error('payment provider returned no charge');
      return toCharge(row);
    },

    async findCharge(idempotencyKey) {
      const { rows } = await db.query<ChargeRow>(
        'SELECT id, customer_id, amount_cents, status FROM payment_charges WHERE idempotency_key = $1',
        [idempotencyKey],
      );
      return rows[0] ? toCharge(rows[0]) : undefined;
    },

    async refund({ idempotencyKey, chargeId }) {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; charge_id: string; amount_cents: number }>(
          `INSERT INTO payment_refunds (id, idempotency_key, charge_id, amount_cents)
           SELECT 're_' || md5($1), $1, id, amount_cents FROM payment_charges WHERE id = $2
           ON CONFLICT (charge_id) DO UPDATE SET charge_id = EXCLUDED.charge_id
           RETURNING id, charge_id, amount_cents`,
          [idempotencyKey, chargeId],
        );
        const row = rows[0];
        if (!row) throw new Error(`payment provider: no charge '${chargeId}'`);
        await client.query("UPDATE payment_charges SET status = 'refunded' WHERE id = $1", [chargeId]);
        await client.query('COMMIT');
        return { id: row.id, chargeId: row.charge_id, amountCents: row.amount_cents };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
