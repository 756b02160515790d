/**
 * A real PostgreSQL database for one test file: `DATABASE_URL`, or the local server's `test`
 * database, isolated in a schema of its own (every connection's `search_path`), migrated (with the
 * shop example's tables unless told otherwise), and dropped by `close()`.
 */
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrations as shopMigrations } from '../../examples/shop/migrations';
import { migrate, type MigrationSet } from '../../src/db/migrate';

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

/** Options of {@link startTestDatabase}. */
export interface TestDatabaseOptions {
  /**
   * Migration sets applied after durable-cron's own; `false` leaves the schema empty.
   * @default the shop example's, whose job types the tests run
   */
  readonly migrations?: readonly MigrationSet[] | false;
}

/** Creates and migrates a fresh schema. */
export async function startTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
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
  const migrations = options.migrations ?? [shopMigrations];
  if (migrations !== false) await migrate(pool, migrations);
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
