/**
 * `durable-cron setup`: register custom search attributes on the namespace, and apply the jobs'
 * database migrations (to `DATABASE_URL`, or the embedded database).
 */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { openDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { DatabaseError, errorMessage } from '../../errors';
import { registerSearchAttributes } from '../../search-attributes';
import { printJson, type Output } from '../output';

/** Flags of `setup`. */
export interface SetupFlags {
  json?: boolean;
  dataDir?: string;
}

/** Registers the search attributes, migrates the database, and reports what was done. */
export async function runSetup(config: ResolvedConfig, flags: SetupFlags, output: Output): Promise<void> {
  const { client, connection, close } = await connectClient(config);
  try {
    const result = await registerSearchAttributes(connection, client, config.namespace);
    const database = await migrateDatabase(config, flags.dataDir ?? '.data');
    if (flags.json) {
      printJson(output, { namespace: config.namespace, ...result, database });
      return;
    }
    if (result.added.length > 0)
      output.out(`Added search attributes to '${config.namespace}': ${result.added.join(', ')}`);
    if (result.alreadyPresent.length > 0) {
      output.out(`Already present in '${config.namespace}': ${result.alreadyPresent.join(', ')}`);
    }
    const applied = database.applied.map((m) => `${m.version} (${m.name})`).join(', ');
    output.out(
      `Database ${database.where}: ${applied ? `applied migrations ${applied}` : 'schema up to date'}, version ${database.version}`,
    );
  } finally {
    await close();
  }
}

async function migrateDatabase(config: ResolvedConfig, dataDir: string) {
  const database = await openDatabase({ url: config.databaseUrl, dataDir }).catch((err: unknown) => {
    throw new DatabaseError('(embedded)', errorMessage(err), { cause: err });
  });
  try {
    const result = await migrate(database.pool);
    return { where: database.description, ...result };
  } catch (err) {
    throw new DatabaseError(database.description, errorMessage(err), { cause: err });
  } finally {
    await database.close();
  }
}
