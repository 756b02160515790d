/**
 * Tables of the shop example's jobs: customers, products, orders, reports, billing (invoices and
 * the payment provider's side), data sync and backups. Tracked under the source `shop-example`,
 * apart from durable-cron's own migrations.
 */
import type { MigrationSet } from '../../src/db/migrate';

// IF NOT EXISTS throughout: databases migrated by earlier versions of durable-cron, which shipped
// these tables as its own migration, already have them (with their rows), and keep them as they are.
export const migrations: MigrationSet = {
  source: 'shop-example',
  migrations: [
    {
      version: 1,
      name: 'shop schema',
      sql: `
CREATE TABLE IF NOT EXISTS customers (
  id text PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL
);

CREATE TABLE IF NOT EXISTS products (
  sku text PRIMARY KEY,
  name text NOT NULL,
  stock integer NOT NULL CHECK (stock >= 0)
);

CREATE TABLE IF NOT EXISTS orders (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id),
  sku text NOT NULL REFERENCES products (sku),
  quantity integer NOT NULL CHECK (quantity > 0),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  cancelled_at timestamptz,
  -- idempotency key of the step that cancelled the order
  cancelled_by text
);
CREATE INDEX IF NOT EXISTS orders_pending_created ON orders (created_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS reports (
  job_id text NOT NULL,
  report_date date NOT NULL,
  timezone text NOT NULL,
  fire_time timestamptz NOT NULL,
  orders integer NOT NULL,
  paid integer NOT NULL,
  cancelled integer NOT NULL,
  revenue_cents bigint NOT NULL,
  idempotency_key text NOT NULL,
  generated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, report_date)
);

CREATE SEQUENCE IF NOT EXISTS invoice_numbers START 1000;
CREATE TABLE IF NOT EXISTS invoices (
  number bigint PRIMARY KEY DEFAULT nextval('invoice_numbers'),
  idempotency_key text NOT NULL UNIQUE,
  customer_id text NOT NULL,
  amount_cents integer NOT NULL,
  period date NOT NULL,
  status text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'sent', 'void')),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  voided_at timestamptz
);

-- The payment provider's side: what a real provider stores behind its Idempotency-Key header.
CREATE TABLE IF NOT EXISTS payment_charges (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  customer_id text NOT NULL,
  amount_cents integer NOT NULL,
  status text NOT NULL DEFAULT 'captured' CHECK (status IN ('captured', 'refunded')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS payment_refunds (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  charge_id text NOT NULL UNIQUE REFERENCES payment_charges (id),
  amount_cents integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS invoice_deliveries (
  idempotency_key text PRIMARY KEY,
  invoice_number bigint NOT NULL UNIQUE REFERENCES invoices (number),
  recipient text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sync_source (
  id integer PRIMARY KEY,
  payload text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sync_target (
  id integer PRIMARY KEY,
  payload text NOT NULL,
  synced_by text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS backups (
  idempotency_key text PRIMARY KEY,
  table_name text NOT NULL,
  fire_time timestamptz NOT NULL,
  chunks integer,
  rows integer,
  resumed_from integer NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE TABLE IF NOT EXISTS backup_chunks (
  backup_key text NOT NULL REFERENCES backups (idempotency_key),
  chunk integer NOT NULL,
  rows jsonb NOT NULL,
  -- which attempt of the step wrote the chunk: a resumed attempt never rewrites earlier chunks
  attempt integer NOT NULL,
  PRIMARY KEY (backup_key, chunk)
);
`,
    },
  ],
};
