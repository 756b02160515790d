/**
 * Applying versioned migration sets, once each, whichever process gets there first: durable-cron's
 * own, then those of the jobs modules, each tracked by (source, version) in
 * `durable_cron_migrations`.
 */
import type { Pool } from 'pg';
import { errorMessage, MigrationSetError } from '../errors';
import { DURABLE_CRON_MIGRATIONS, DURABLE_CRON_SOURCE, type MigrationSet } from './migrations';
import { MIGRATIONS_TABLE } from './tables';

export type { Migration, MigrationSet } from './migrations';

/** Arbitrary constant: the advisory lock that serializes concurrent `migrate` calls. */
const MIGRATION_LOCK = 0x64_63_72_6f;

/** What {@link migrate} did for one source. */
export interface SourceMigrateResult {
  readonly source: string;
  /** Migrations this call applied, in version order. */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** Highest version of this source now applied; 0 when it has none. */
  readonly version: number;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** One entry per set, durable-cron's first, in the order they were applied. */
  readonly sources: readonly SourceMigrateResult[];
}

/**
 * Checks migration sets a caller passes to {@link migrate}: a non-empty source without surrounding
 * whitespace, not durable-cron's own, no source twice, and versions positive integers, each once,
 * with a name and SQL.
 * @throws {MigrationSetError} naming the set and the problem
 */
export function checkMigrationSets(sets: readonly MigrationSet[]): void {
  const seen = new Set<string>();
  for (const set of sets) {
    const source: unknown = set.source;
    if (typeof source !== 'string' || source.length === 0 || source.trim() !== source) {
      throw new MigrationSetError(
        String(source),
        'source must be a non-empty name without surrounding whitespace, e.g. the jobs module name',
      );
    }
    if (source === DURABLE_CRON_SOURCE) {
      throw new MigrationSetError(source, `the source '${DURABLE_CRON_SOURCE}' is durable-cron's own`);
    }
    if (seen.has(source)) throw new MigrationSetError(source, 'given twice; pass each source once');
    seen.add(source);
    const versions = new Set<number>();
    for (const [i, m] of set.migrations.entries()) {
      if (!Number.isSafeInteger(m.version) || m.version < 1) {
        throw new MigrationSetError(
          source,
          `migrations[${i}].version ${String(m.version)} must be a positive integer`,
        );
      }
      if (versions.has(m.version)) {
        throw new MigrationSetError(source, `migrations[${i}].version ${m.version} is used twice`);
      }
      versions.add(m.version);
      if (typeof m.name !== 'string' || m.name.trim() === '') {
        throw new MigrationSetError(source, `migrations[${i}] (version ${m.version}) has no name`);
      }
      if (typeof m.sql !== 'string' || m.sql.trim() === '') {
        throw new MigrationSetError(source, `migrations[${i}] (version ${m.version}) has no sql`);
      }
    }
  }
}

/**
 * Applies durable-cron's own migrations, then each of `sets` in the order given, in one
 * transaction under an advisory lock: idempotent, safe to run concurrently, and all or nothing.
 * @param sets migration sets of the jobs modules (their tables); none by default
 * @throws {MigrationSetError} for a bad set, before the database is touched
 */
export async function migrate(pool: Pool, sets: readonly MigrationSet[] = []): Promise<MigrateResult> {
  checkMigrationSets(sets);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      source text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, version)
    )`);
    const { rows } = await client.query<{ source: string; version: number }>(
      `SELECT source, version FROM ${MIGRATIONS_TABLE}`,
    );
    const sources: SourceMigrateResult[] = [];
    for (const set of [DURABLE_CRON_MIGRATIONS, ...sets]) {
      const done = new Set(rows.filter((r) => r.source === set.source).map((r) => r.version));
      const applied: { version: number; name: string }[] = [];
      for (const m of [...set.migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query(m.sql).catch((err: unknown) => {
          throw new Error(`migration ${m.version} (${m.name}) of '${set.source}': ${errorMessage(err)}`, {
            cause: err,
          });
        });
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (source, version, name) VALUES ($1, $2, $3)`, [
          set.source,
          m.version,
          m.name,
        ]);
        applied.push({ version: m.version, name: m.name });
        done.add(m.version);
      }
      sources.push({ source: set.source, applied, version: Math.max(0, ...done) });
    }
    await client.query('COMMIT');
    return { sources };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
