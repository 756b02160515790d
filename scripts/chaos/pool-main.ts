/**
 * Chaos harness only: the product's worker pool (`startWorkerPool`, as `durable-cron worker` runs
 * it) with the slowed chaos steps, as a process of its own. Drains on SIGTERM/SIGINT and exits 0.
 * Settings come from argv as JSON.
 */
import { resolveConfig } from '../../src/config';
import type { InjectedFailure } from '../../src/worker/failure-injection';
import { StructuredLogger } from '../../src/worker/log';
import { startWorkerPool } from '../../src/worker/pool';
import { SHOP_MODULE } from '../../test/helpers/jobs';

/** What the harness passes in argv[2]. */
export interface ChaosPoolArgs {
  readonly address: string;
  readonly taskQueue: string;
  readonly processes: number;
  /** PostgreSQL URL; absent = the embedded database, served by this process. */
  readonly databaseUrl?: string;
  readonly embeddedDatabasePort?: number;
  readonly dataDir: string;
  /** Steps the workers make fail (the failing billing jobs). */
  readonly failureInjection?: readonly InjectedFailure[];
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChaosPoolArgs;
  const config = resolveConfig(
    { address: args.address, taskQueue: args.taskQueue, databaseUrl: args.databaseUrl },
    {},
  );
  const logger = new StructuredLogger({ level: 'WARN', format: 'json' });
  const pool = await startWorkerPool({
    config,
    processes: args.processes,
    grace: '20s',
    graceMs: 20_000,
    dataDir: args.dataDir,
    embeddedDatabasePort: args.embeddedDatabasePort,
    logLevel: 'ERROR',
    logFormat: 'json',
    logger,
    jobs: [SHOP_MODULE],
    testHooks: {
      activitiesModule: require.resolve('./slow-activities'),
      failureInjection: args.failureInjection,
    },
  });
  process.send?.({ type: 'ready' });
  const stop = () => void pool.drain().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The harness is gone (it crashed or was killed): do not outlive it.
  process.once('disconnect', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
