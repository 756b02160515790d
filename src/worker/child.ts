/**
 * Entry of one worker-pool process (forked by the supervisor, never run by hand): waits for its
 * start message, runs a Temporal Worker on the shared workflow bundle, reports its state, and
 * drains on the supervisor's shutdown message, SIGINT/SIGTERM, or when the supervisor goes away.
 */
import type { Worker } from '@temporalio/worker';
import { connectNative } from '../connection';
import { errorMessage } from '../errors';
import { loadJobModules } from '../job-types/modules';
import { openActivityDeps } from './deps';
import { StructuredLogger } from './log';
import type { FromProcess, StartMessage, ToProcess } from './pool-messages';
import { installRuntime, parseLogLevel } from './runtime';
import { createWorker } from './worker';

function send(message: FromProcess): void {
  if (process.connected) process.send?.(message);
}

async function run(start: StartMessage): Promise<void> {
  const logger = new StructuredLogger({
    level: parseLogLevel(start.logLevel),
    format: start.logFormat,
    base: { process: start.slot },
  });
  // The supervisor decides when to drain: the runtime must not shut workers down on its own.
  installRuntime({
    logger,
    logLevel: start.logLevel,
    shutdownSignals: [],
    prometheusBindAddress: start.metricsPort === undefined ? undefined : `127.0.0.1:${start.metricsPort}`,
  });
  let worker: Worker | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (worker?.getState() === 'RUNNING') {
      logger.info('draining: no new tasks; in-flight steps get the grace period', { grace: start.grace });
      worker.shutdown();
    }
  };
  process.on('message', (message: ToProcess) => {
    if (message.type === 'shutdown') stop();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);

  const connection = await connectNative(start.config);
  const opened = await openActivityDeps({ dataDir: start.dataDir, databaseUrl: start.config.databaseUrl });
  try {
    const extraActivities = start.extraActivitiesModule
      ? loadExtraActivities(start.extraActivitiesModule, opened.deps)
      : undefined;
    const { registry } = loadJobModules(start.jobs);
    worker = await createWorker({
      connection,
      config: start.config,
      registry,
      deps: { ...opened.deps, ...start.permissions },
      bundle: { codePath: start.bundlePath },
      // In milliseconds: the SDK reads a string with `ms`, which has no chained units such as `1m30s`.
      shutdownGraceTime: start.graceMs,
      limits: start.limits,
      extraActivities,
      failureInjection: start.failureInjection,
    });
    let reported = '';
    const report = setInterval(() => {
      const state = worker?.getState() ?? 'INITIALIZED';
      if (state !== reported) send({ type: 'state', state });
      reported = state;
    }, 100);
    try {
      if (!stopping) {
        logger.info('worker polling', {
          taskQueue: start.config.taskQueue,
          namespace: start.config.namespace,
        });
        // run() starts polling synchronously; a stop requested just before is applied right after.
        const running = worker.run();
        if (stopping) stop();
        await running;
      }
    } finally {
      clearInterval(report);
      send({ type: 'state', state: 'STOPPED' });
    }
    logger.info('worker stopped');
  } finally {
    await opened.close();
    await connection.close();
  }
}

function loadExtraActivities(
  modulePath: string,
  deps: unknown,
): Record<string, (...args: never[]) => Promise<unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as {
    createActivities(deps: unknown): Record<string, (...args: never[]) => Promise<unknown>>;
  };
  return mod.createActivities(deps);
}

process.once('message', (message: ToProcess) => {
  if (message.type !== 'start') return;
  run(message).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`worker process ${message.slot} failed: ${errorMessage(err)}\n`);
      // Exit once the supervisor has the reason (or at once when it is gone).
      if (process.connected && process.send) {
        process.send({ type: 'fatal', message: errorMessage(err) } satisfies FromProcess, () =>
          process.exit(1),
        );
      } else {
        process.exit(1);
      }
    },
  );
});
