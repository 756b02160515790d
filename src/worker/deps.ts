/**
 * Opening the dependencies activities need (see `createActivities`), and closing them when the
 * worker stops. Every worker process, the CLI's and the pool's, goes through here.
 */
import { resolve } from 'node:path';
import type { ActivityDeps } from '../../activities/deps';
import { openDatabase } from '../db/database';
import { checkMigrationSets, migrate, type MigrationSet } from '../db/migrate';
import { DatabaseError, errorMessage } from '../errors';

/** Options for {@link openActivityDeps}. */
export interface ActivityDepsOptions {
  /** Directory for file-based effects and the embedded database. @default .data */
  readonly dataDir?: string;
  /**
   * PostgreSQL connection string (`ResolvedConfig.databaseUrl`). When absent, the embedded database
   * shared by the processes of this machine, migrated on open.
   */
  readonly databaseUrl?: string;
  /** Port of the embedded database (tests). @default 55432 */
  readonly embeddedDatabasePort?: number;
  /**
   * Migrate a `databaseUrl` database too (a local demo); otherwise only the embedded database is
   * migrated on open, and `durable-cron setup` migrates others. @default false
   */
  readonly migrateAlways?: boolean;
  /** Connections in this process's pool. @default 5 */
  readonly maxConnections?: number;
  /**
   * Migration sets of the jobs modules, applied to the embedded database after durable-cron's own
   * (a `DATABASE_URL` database is migrated by `setup`). @default none
   */
  readonly migrations?: readonly MigrationSet[];
}

/** Opened dependencies and how to release them. */
export interface OpenedDeps {
  readonly deps: ActivityDeps;
  /** The database's connection string (for the embedded one, where this process serves it). */
  readonly databaseUrl: string;
  /** Where the database is, without credentials, for messages. */
  readonly databaseDescription: string;
  /** True when this process serves the embedded database. */
  readonly servesEmbedded: boolean;
  close(this: void): Promise<void>;
}

/**
 * Opens the activity dependencies: checks the database answers (a worker with a wrong
 * `DATABASE_URL` fails at start, not at its first step).
 * @throws {MigrationSetError} for a bad migration set, before the database is opened
 * @throws {DatabaseError} when the database cannot be reached
 */
export async function openActivityDeps(options: ActivityDepsOptions = {}): Promise<OpenedDeps> {
  checkMigrationSets(options.migrations ?? []);
  const dataDir = resolve(options.dataDir ?? '.data');
  const database = await openDatabase({
    url: options.databaseUrl,
    dataDir,
    embeddedPort: options.embeddedDatabasePort,
    maxConnections: options.maxConnections,
  }).catch((err: unknown) => {
    throw new DatabaseError('(embedded)', errorMessage(err), { cause: err });
  });
  try {
    await database.pool.query('SELECT 1');
    // Nobody runs `setup` against the embedded database: keep its schema current here.
    if (options.databaseUrl === undefined || options.migrateAlways)
      await migrate(database.pool, options.migrations);
  } catch (err) {
    await database.close().catch(() => {});
    throw new DatabaseError(database.description, errorMessage(err), { cause: err });
  }
  return {
    deps: { dataDir, db: database.pool },
    databaseUrl: database.url,
    databaseDescription: database.description,
    servesEmbedded: database.servesEmbedded,
    close: database.close,
  };
}
