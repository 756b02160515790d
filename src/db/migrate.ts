/** Applying the versioned migrations, once each, whichever process gets there first. */
import type { Pool } from 'pg';
import { MIGRATIONS, type Migration } from './migrations';

/** A jobs module's own migrations, tracked under its `source` name. */
export interface MigrationSet {
  readonly source: string;
  readonly migrations: readonly Migration[];
}

/** Arbitrary constant: the advisory lock that serializes concurrent `migrate` calls. */
const MIGRATION_LOCK = 0x64_63_72_6f;

/** What {@link migrate} did. */
export interface MigrateResult {
  readonly applied: { version: number; name: string }[];
  /** Highest version now applied. */
  readonly version: number;
}

/** Applies the pending migrations in one transaction. Idempotent and safe to run concurrently. */
export async function migrate(
  pool: Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: MigrateResult['applied'] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
      applied.push({ version: m.version, name: m.name });
      done.add(m.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(0, ...done) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
