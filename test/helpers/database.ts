/**
 * A real PostgreSQL database for one test file: `DATABASE_URL`, or the local server's `test`
 * database, isolated in a schema of its own (every connection's `search_path`), migrated, and
 * dropped by `close()`.
 */
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrate } from '../../src/db/migrate';

/** The server tests use when `DATABASE_URL` is not set. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** An isolated, migrated schema. */
export interface TestDatabase {
  /** Connection string whose connections use the schema (for workers and the CLI). */
  readonly url: string;
  readonly pool: Pool;
  readonly schema: string;
  close(): Promise<void>;
}

/** Creates and migrates a fresh schema. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const schema = `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const pool = new Pool({ connectionString: url, max: 5 });
  pool.on('error', () => {});
  await migrate(pool);
  return {
    url,
    pool,
    schema,
    close: async () => {
      await pool.end();
      const drop = new Client({ connectionString: base });
      await drop.connect();
      try {
        await drop.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await drop.end();
      }
    },
  };
}

/** Reads one integer. */
export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
