/**
 * `durable-cron setup`: register custom search attributes on the namespace, and apply the jobs'
 * database migrations (to `DATABASE_URL`, or the embedded database).
 */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { openDatabase, type Database } from '../../db/database';
import { migrate, type MigrateResult } from '../../db/migrate';
import { DatabaseError, errorMessage } from '../../errors';
import {
  missingSearchAttributes,
  registerSearchAttributes,
  type RegisterResult,
} from '../../search-attributes';
import type { Command } from 'commander';
import { jobModulesFrom } from '../jobs';
import { printJson, type Output } from '../output';

/** Flags of `setup`. */
export interface SetupFlags {
  json?: boolean;
  dataDir?: string;
}

/**
 * Checks that the namespace exists and the database answers, then registers the search
 * attributes and migrates the database, and reports what was done. A bad namespace or an
 * unreachable database changes neither.
 */
export async function runSetup(
  config: ResolvedConfig,
  flags: SetupFlags,
  output: Output,
  cmd?: Command,
): Promise<void> {
  // Loaded first: a module that fails to load changes nothing. Its migrations are applied below.
  const _modules = cmd ? jobModulesFrom(cmd) : undefined;
  const { client, connection, close } = await connectClient(config);
  try {
    await missingSearchAttributes(connection, config.namespace);
    const database = await openReachableDatabase(config, flags.dataDir ?? '.data');
    let migrated: MigrateResult;
    let result: RegisterResult;
    try {
      result = await registerSearchAttributes(connection, client, config.namespace);
      migrated = await migrate(database.pool).catch((err: unknown) => {
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
    const applied = db.applied.map((m) => `${m.version} (${m.name})`).join(', ');
    output.out(
      `Database ${db.where}: ${applied ? `applied migrations ${applied}` : 'schema up to date'}, version ${db.version}`,
    );
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
