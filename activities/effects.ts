/**
 * Effects that happen once per idempotency key. The key is inserted into the effects log
 * (`EFFECTS_TABLE`, unique) in the same transaction as the effect: a retried step, a replay, or a
 * duplicate run of the same fire finds the key and returns the first result instead of acting
 * again. Two concurrent attempts serialize on the unique index; the second sees the first's
 * committed row.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { EFFECTS_TABLE } from '../src/db/tables';

/** What a once-only effect returns. */
export interface Once<T> {
  readonly result: T;
  /** False when the key had already been used: nothing was done this time. */
  readonly created: boolean;
}

/** Runs `fn` in a transaction. */
export async function inTransaction<T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    tx.release();
  }
}

/** Performs `effect` once for `key`, returning its first result on every later call. */
export async function once<T>(
  pool: Pool,
  key: string,
  step: string,
  effect: (tx: PoolClient) => Promise<T>,
): Promise<Once<T>> {
  return inTransaction(pool, async (tx) => {
    const claimed = await tx.query(
      `INSERT INTO ${EFFECTS_TABLE} (idempotency_key, step) VALUES ($1, $2) ON CONFLICT (idempotency_key) DO NOTHING`,
      [key, step],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await tx.query<{ result: T }>(
        `SELECT result FROM ${EFFECTS_TABLE} WHERE idempotency_key = $1`,
        [key],
      );
      return { result: rows[0]?.result as T, created: false };
    }
    const result = await effect(tx);
    await tx.query(`UPDATE ${EFFECTS_TABLE} SET result = $2 WHERE idempotency_key = $1`, [
      key,
      JSON.stringify(result ?? null),
    ]);
    return { result, created: true };
  });
}

/** The database, or a non-retryable failure naming what is missing. */
export function requireDb(db: Pool | undefined, step: string): Pool {
  if (!db) {
    throw ApplicationFailure.nonRetryable(
      `step '${step}' needs a database: start the worker with DATABASE_URL (or the embedded default)`,
      'NoDatabase',
    );
  }
  return db;
}
