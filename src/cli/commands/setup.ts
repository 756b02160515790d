/**
 * `durable-cron setup`: register custom search attributes on the namespace, and apply the jobs'
 * database migrations (to `DATABASE_URL`, or the embedded database).
 */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { openDatabase, type Database } from '../../db/database';
import { checkMigrationSets, migrate, type MigrateResult, type MigrationSet } from '../../db/migrate';
import { DatabaseError, errorMessage } from '../../errors';
import {
  missingSearchAttributes,
  registerSearchAttributes,
  type RegisterResult,
} from '../../search-attributes';
import { printJson, type Output } from '../output';

/** Flags of `setup`. */
export interface SetupFlags {
  json?: boolean;
  dataDir?: string;
}

/** What `setup` applies besides durable-cron's own, set by the caller (not a flag). */
export interface SetupOptions {
  /**
   * Migration sets of the jobs modules, applied after durable-cron's own migrations (which create
   * only `durable_cron_` tables). @default none
   */
  readonly migrations?: readonly MigrationSet[];
}

/**
 * Checks the migration sets, that the namespace exists and that the database answers, then
 * registers the search attributes and migrates the database, and reports what was done, per
 * migration source. A bad migration set, a bad namespace or an unreachable database changes
 * nothing.
 */
export async function runSetup(
  config: ResolvedConfig,
  flags: SetupFlags,
  output: Output,
  options: SetupOptions = {},
): Promise<void> {
  const migrations = options.migrations ?? [];
  checkMigrationSets(migrations);
  const { client, connection, close } = await connectClient(config);
  try {
    await missingSearchAttributes(connection, config.namespace);
    const database = await openReachableDatabase(config, flags.dataDir ?? '.data');
    let migrated: MigrateResult;
    let result: RegisterResult;
    try {
      result = await registerSearchAttributes(connection, client, config.namespace);
      migrated = await migrate(database.pool, migrations).catch((err: unknown) => {
        throw new DatabaseError(database.description, errorMessage(err), { cause: err });
      });
    } finally {
      await database.close();
    }
    const db = { where: database.description, ...migrated };
    if (flags.json) {
      printJson(output, { namespace: config.namespace, ...result, database: db });
      return;
    }
    if (result.added.length > 0)
      output.out(`Added search attributes to '${config.namespace}': ${result.added.join(', ')}`);
    if (result.alreadyPresent.length > 0) {
      output.out(`Already present in '${config.namespace}': ${result.alreadyPresent.join(', ')}`);
    }
    output.out(`Database ${db.where}:`);
    for (const line of describeMigrations(migrated)) output.out(`  ${line}`);
  } finally {
    await close();
  }
}

/** Opens the database and checks it answers. @throws {DatabaseError} without credentials */
async function openReachableDatabase(config: ResolvedConfig, dataDir: string): Promise<Database> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir }).catch((err: unknown) => {
    throw new DatabaseError('(embedded)', errorMessage(err), { cause: err });
  });
  try {
    await database.pool.query('SELECT 1');
    return database;
  } catch (err) {
    await database.close();
    const hint = config.databaseUrl === undefined ? '' : ' (check --database-url / DATABASE_URL)';
    throw new DatabaseError(database.description, `${errorMessage(err)}${hint}`, { cause: err });
  }
}

/** One line per migration source: what this run applied, and the version now in place. */
function describeMigrations(result: MigrateResult): string[] {
  return result.sources.map(({ source, applied, version }) => {
    const what = applied.length
      ? `applied ${applied.map((m) => `${m.version} (${m.name})`).join(', ')}`
      : 'up to date';
    return `${source}: ${what}, version ${version}`;
  });
}
