/**
 * Seed data for the shop example's jobs (the tables of `./migrations`): customers, products,
 * records to sync, and orders around "now" (some unpaid for longer than 30 minutes, for
 * `cancel-timeout-orders`). Idempotent.
 */
import type { Pool } from 'pg';

/** Customers of the examples (ids match the jobs file's `customer`). */
export const SEED_CUSTOMERS = [
  { id: 'acme', name: 'Acme Corp', email: 'billing@acme.example' },
  { id: 'globex', name: 'Globex', email: 'accounts@globex.example' },
  { id: 'initech', name: 'Initech', email: 'ap@initech.example' },
] as const;

/** Products with stock that cancelled orders give back. */
export const SEED_PRODUCTS = [
  { sku: 'widget', name: 'Widget', stock: 1000 },
  { sku: 'gadget', name: 'Gadget', stock: 500 },
] as const;

/** Rows of `sync_source` that `data-sync` copies. */
export const SYNC_SOURCE_ROWS = 200;

/** What {@link seed} inserted. */
export interface SeedResult {
  readonly orders: number;
}

/**
 * Inserts the reference data (once) and a batch of orders created relative to `now`: two unpaid
 * for 45 minutes, one unpaid for 5 minutes, two paid. Order ids carry `now`, so each call adds a
 * fresh batch.
 */
export async function seed(pool: Pool, now: Date = new Date()): Promise<SeedResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const c of SEED_CUSTOMERS) {
      await client.query(
        'INSERT INTO customers (id, name, email) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
        [c.id, c.name, c.email],
      );
    }
    for (const p of SEED_PRODUCTS) {
      await client.query(
        'INSERT INTO products (sku, name, stock) VALUES ($1, $2, $3) ON CONFLICT (sku) DO NOTHING',
        [p.sku, p.name, p.stock],
      );
    }
    await client.query(
      `INSERT INTO sync_source (id, payload)
       SELECT i, 'record ' || i FROM generate_series(1, $1::int) AS i ON CONFLICT (id) DO NOTHING`,
      [SYNC_SOURCE_ROWS],
    );
    const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
    const orders = [
      { id: `o-${stamp}-1`, customer: 'acme', sku: 'widget', qty: 3, created: minutesAgo(45), paid: false },
      { id: `o-${stamp}-2`, customer: 'globex', sku: 'gadget', qty: 1, created: minutesAgo(45), paid: false },
      { id: `o-${stamp}-3`, customer: 'acme', sku: 'gadget', qty: 2, created: minutesAgo(5), paid: false },
      { id: `o-${stamp}-4`, customer: 'initech', sku: 'widget', qty: 5, created: minutesAgo(90), paid: true },
      { id: `o-${stamp}-5`, customer: 'acme', sku: 'widget', qty: 1, created: minutesAgo(20), paid: true },
    ];
    let inserted = 0;
    for (const o of orders) {
      const result = await client.query(
        `INSERT INTO orders (id, customer_id, sku, quantity, amount_cents, status, created_at, paid_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [
          o.id,
          o.customer,
          o.sku,
          o.qty,
          o.qty * 1250,
          o.paid ? 'paid' : 'pending',
          o.created,
          o.paid ? now : null,
        ],
      );
      if ((result.rowCount ?? 0) === 0) continue;
      inserted += 1;
      // An order holds its stock until it is cancelled.
      await client.query('UPDATE products SET stock = stock - $2 WHERE sku = $1', [o.sku, o.qty]);
    }
    await client.query('COMMIT');
    return { orders: inserted };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
