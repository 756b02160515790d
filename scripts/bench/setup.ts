/** What every bench entry point starts before measuring, and stops after. */
import { Client, Connection } from '@temporalio/client';
import { clientInterceptors } from '../../src/connection';
import type { DevServer } from '../../src/dev-server/dev-server';
import { findOrBuildTemporalCli } from '../../src/dev-server/temporal-cli';
import { installRuntime } from '../../src/worker/runtime';
import { buildBundles, type Bundles } from './bundles';
import type { BenchContext } from './context';
import { startBenchDevServer } from './fresh-server';
import type { BenchOptions } from './options';
import { openBenchDatabase, type BenchDatabase } from './ours';

/**
 * Builds the workflow bundles, opens durable-cron's database and starts a dev server with the
 * bench's dynamic config (side by side), runs `body` with the context pointing at them, and stops
 * whatever started, whether `body` or one of the starts failed.
 */
export async function withBenchContext<T>(
  options: BenchOptions,
  body: (ctx: BenchContext) => Promise<T>,
): Promise<T> {
  installRuntime({ logLevel: 'WARN' });
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const started = await Promise.allSettled([
    buildBundles(),
    openBenchDatabase(),
    startBenchDevServer(cli),
  ] as const);
  const [bundles, database, server] = started.map((r) =>
    r.status === 'fulfilled' ? r.value : undefined,
  ) as [Bundles | undefined, BenchDatabase | undefined, DevServer | undefined];
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed || !bundles || !database || !server) throw failed?.reason;
    // durable-cron's own interceptors: its retry policy, and RPC counts taken on the wire.
    const connection = await Connection.connect({
      address: server.address,
      interceptors: clientInterceptors(),
    });
    try {
      return await body({
        client: new Client({ connection }),
        temporalCli: cli,
        address: server.address,
        serverPid: server.pid,
        options,
        bundles,
        databaseUrl: database.databaseUrl,
        log: (line) => console.log(line),
      });
    } finally {
      await connection.close();
    }
  } finally {
    await server?.stop();
    await database?.close();
    bundles?.remove();
  }
}
