/**
 * The cluster's two PostgreSQL databases (persistence and advanced visibility): created and
 * migrated with Temporal's own SQL tool, idempotently, and dropped on request.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { DurableCronError, UsageError, errorMessage } from '../errors';
import type { ServerBinaries } from './server-binaries';

/** The default server the cluster stores its data in. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A parsed PostgreSQL URL. `database` is the one used for administration (create/drop). */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The URL with its password replaced by `***`, safe to print. */
  readonly redacted: string;
}

/** Names of a cluster's databases. */
export interface ClusterDatabases {
  readonly persistence: string;
  readonly visibility: string;
}

/**
 * Parses a `postgres://user:password@host:port/database` URL.
 * @throws {UsageError} naming `flag` when it is not such a URL
 */
export function parsePostgresUrl(url: string, flag = '--postgres-url'): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${flag} must be a URL like ${DEFAULT_POSTGRES_URL}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError(`${flag} must start with postgres:// or postgresql://`);
  }
  if (parsed.hostname === '') throw new UsageError(`${flag} has no host`);
  const redacted = new URL(parsed.href);
  if (redacted.password !== '') redacted.password = '***';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 5432 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    redacted: redacted.href,
  };
}

/** Database names of the cluster called `name`: `temporal_<name>` and `temporal_<name>_visibility`. */
export function clusterDatabases(name: string): ClusterDatabases {
  const base = `temporal_${name.replace(/-/g, '_')}`;
  return { persistence: base, visibility: `${base}_visibility` };
}

/** What {@link ensureSchemas} did to one database. */
export interface SchemaResult {
  readonly database: string;
  readonly created: boolean;
}

/**
 * Creates both databases when missing, sets up the schemas when new, and updates them to the
 * server's versions (a no-op when current), with `temporal-sql-tool --plugin postgres12`.
 * @throws {DurableCronError} when PostgreSQL cannot be reached or the tool fails (its output included)
 */
export async function ensureSchemas(
  binaries: ServerBinaries,
  target: PostgresTarget,
  databases: ClusterDatabases,
  log: (line: string) => void = () => {},
): Promise<SchemaResult[]> {
  const results: SchemaResult[] = [];
  for (const [database, schema] of [
    [databases.persistence, 'temporal'],
    [databases.visibility, 'visibility'],
  ] as const) {
    const exists = await withClient(target, target.database, async (client) => {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      return found.rowCount !== null && found.rowCount > 0;
    });
    if (!exists) {
      log(`Creating database ${database}`);
      await sqlTool(binaries, target, database, ['create-database', '--defaultdb', target.database]);
    }
    const versioned = await withClient(target, database, async (client) => {
      const found = await client.query("SELECT to_regclass('schema_version') IS NOT NULL AS present");
      return (found.rows[0] as { present: boolean }).present;
    });
    if (!versioned) await sqlTool(binaries, target, database, ['setup-schema', '-v', '0.0']);
    log(`Updating the ${schema} schema in ${database}`);
    await sqlTool(binaries, target, database, [
      'update-schema',
      '-d',
      join(binaries.postgresSchemaDir, schema, 'versioned'),
    ]);
    results.push({ database, created: !exists });
  }
  return results;
}

/**
 * Drops both databases (closing the connections of any server still using them).
 * @throws {DurableCronError} when PostgreSQL cannot be reached
 */
export async function dropClusterDatabases(
  target: PostgresTarget,
  databases: ClusterDatabases,
): Promise<void> {
  await withClient(target, target.database, async (client) => {
    for (const name of [databases.persistence, databases.visibility]) {
      await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    }
  });
}

async function withClient<T>(
  target: PostgresTarget,
  database: string,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    return await use(client);
  } catch (err) {
    throw new DurableCronError(
      `PostgreSQL at ${target.redacted} (database ${database}): ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function sqlTool(
  binaries: ServerBinaries,
  target: PostgresTarget,
  database: string,
  command: string[],
): Promise<void> {
  const args = ['--plugin', 'postgres12', '--ep', target.host, '-p', String(target.port), '-u', target.user];
  args.push('--db', database, ...command);
  // The password goes through the environment, never the argument list (visible to `ps`).
  const env = { ...process.env, SQL_PASSWORD: target.password };
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(binaries.sqlTool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ code: status, output: text });
    });
  });
  if (code !== 0) {
    const shown = target.password ? output.split(target.password).join('***') : output;
    throw new DurableCronError(
      `temporal-sql-tool ${command[0]} on database ${database} failed (exit ${code}):\n${shown.trim().slice(-2000)}`,
    );
  }
}
