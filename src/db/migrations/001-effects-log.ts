/**
 * The effects log. A database migrated by versions that kept it in an unprefixed `effects` table
 * (next to the example jobs' tables) gets its rows copied, so a step retried after the upgrade still
 * finds the key of its first execution. The old table is left in place.
 */
import type { Migration } from './index';

export const migration: Migration = {
  version: 1,
  name: 'effects log',
  sql: `
-- One row per effectful step execution: the unique key is what makes a retried or duplicated step
-- have no second effect. The effect and this row commit in one transaction.
CREATE TABLE durable_cron_effects (
  idempotency_key text PRIMARY KEY,
  step text NOT NULL,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
  -- Copy only a table with exactly the old effects log's columns: a user's own 'effects' is not ours.
  IF (SELECT count(*) FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'effects'
        AND (column_name, data_type) IN (('idempotency_key', 'text'), ('step', 'text'),
          ('result', 'jsonb'), ('created_at', 'timestamp with time zone'))) = 4
     AND (SELECT count(*) FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'effects') = 4 THEN
    INSERT INTO durable_cron_effects (idempotency_key, step, result, created_at)
    SELECT idempotency_key, step, result, created_at FROM effects
    ON CONFLICT (idempotency_key) DO NOTHING;
  END IF;
END
$$;
`,
};
