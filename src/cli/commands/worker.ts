/** `durable-cron worker`: run a worker for the task queue until SIGINT/SIGTERM. */
import type { ResolvedConfig } from '../../config';
import { connectNative } from '../../connection';
import { openActivityDeps } from '../../worker/deps';
import { installRuntime } from '../../worker/runtime';
import { createWorker } from '../../worker/worker';
import type { Output } from '../output';

/** Flags of `worker`. */
export interface WorkerFlags {
  dataDir: string;
  grace: string;
  logLevel: string;
}

/**
 * Runs one worker. The Temporal runtime drains it on SIGINT/SIGTERM: polling stops, in-flight
 * activities get the grace period, then this resolves.
 */
export async function runWorker(config: ResolvedConfig, flags: WorkerFlags, output: Output): Promise<void> {
  installRuntime({ logLevel: flags.logLevel });
  const connection = await connectNative(config);
  const opened = await openActivityDeps({ dataDir: flags.dataDir, databaseUrl: config.databaseUrl });
  try {
    const worker = await createWorker({
      connection,
      config,
      deps: opened.deps,
      shutdownGraceTime: flags.grace,
    });
    output.out(
      `Worker polling task queue '${config.taskQueue}' in namespace '${config.namespace}' at ${config.address}`,
    );
    await worker.run();
    output.out('Worker stopped.');
  } finally {
    await opened.close();
    await connection.close();
  }
}
