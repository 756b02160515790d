/**
 * `durable-cron worker`: the worker pool. N processes poll the task queue; a crashed one is
 * restarted; SIGINT/SIGTERM drains them (no new tasks, in-flight steps get `--grace`), then exit 0.
 */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { checkAllowHttpEntry } from '../../../activities/http';
import { UsageError } from '../../errors';
import { formatDuration } from '../../duration';
import { checkWorkflowBundle } from '../../worker/bundle-file';
import { StructuredLogger, type LogFormat } from '../../worker/log';
import { defaultProcesses, startWorkerPool } from '../../worker/pool';
import { parseLogLevel } from '../../worker/runtime';
import { requireSearchAttributes } from '../../search-attributes';
import type { Command } from 'commander';
import { jobModulesFrom, projectFrom } from '../jobs';
import type { Output } from '../output';

/** Flags of `worker`. */
export interface WorkerFlags {
  dataDir: string;
  /** Milliseconds (parsed by the option's parser). */
  grace: number;
  logLevel: string;
  logFormat: LogFormat;
  /** The integers are checked by the options' parsers. */
  processes?: number;
  maxActivities?: number;
  maxWorkflows?: number;
  maxCachedWorkflows?: number;
  metricsPort?: number;
  allowHttp?: string;
  allowCommand?: boolean;
}

/**
 * Parses `--allow-http`: `host`, `host:port` or `*`, comma-separated.
 * @throws {UsageError} naming the bad entry
 */
export function parseAllowHttp(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const entries = (typeof value === 'string' ? value.split(',') : [...value]).map((h) =>
    h.trim().toLowerCase(),
  );
  for (const entry of entries) {
    const problem = checkAllowHttpEntry(entry);
    if (problem !== undefined) throw new UsageError(`--allow-http ${problem}`);
  }
  return entries;
}

/**
 * Runs the pool until SIGINT/SIGTERM, then drains it.
 * @throws {UsageError} for invalid flags, before anything starts
 */
export async function runWorker(
  config: ResolvedConfig,
  flags: WorkerFlags,
  output: Output,
  cmd: Command,
): Promise<void> {
  const settings = projectFrom(cmd);
  // Loaded here first so a module that does not load fails once, with its reason, not per process.
  const { modules, registry } = jobModulesFrom(cmd, settings);
  const allowHttp = parseAllowHttp(flags.allowHttp ?? settings.allowHttp);
  const allowCommand = flags.allowCommand ?? settings.allowCommand ?? false;
  const logLevel = parseLogLevel(flags.logLevel);
  const logFormat = flags.logFormat;
  const graceMs = flags.grace;
  const grace = formatDuration(graceMs);
  const processes = flags.processes ?? defaultProcesses();
  const limits = {
    maxActivities: flags.maxActivities,
    maxWorkflows: flags.maxWorkflows,
    maxCachedWorkflows: flags.maxCachedWorkflows,
  };
  const { metricsPort } = flags;
  if (config.workflowBundle !== undefined) checkWorkflowBundle(config.workflowBundle, registry);
  // Fail with one clear line when the server is unreachable, the namespace does not exist or lacks
  // durable-cron's search attributes, instead of processes crash-looping.
  const probe = await connectClient(config);
  try {
    await requireSearchAttributes(probe.connection, config.namespace);
  } finally {
    await probe.close();
  }
  const logger = new StructuredLogger({
    level: logLevel,
    format: logFormat,
    write: (line) => output.out(line),
  });

  const pool = await startWorkerPool({
    config,
    processes,
    grace,
    graceMs,
    limits,
    dataDir: flags.dataDir,
    logLevel,
    logFormat,
    logger,
    metricsPort,
    workflowBundle: config.workflowBundle,
    jobs: modules,
    permissions: { allowHttp, allowCommand },
  });
  logger.info('worker pool running', {
    processes,
    taskQueue: config.taskQueue,
    namespace: config.namespace,
    address: config.address,
    jobTypes: registry.names().join(', '),
    ...(config.workflowBundle ? { workflowBundle: config.workflowBundle } : {}),
    ...(allowHttp ? { allowHttp: allowHttp.join(',') } : {}),
    ...(allowCommand ? { allowCommand } : {}),
    ...(pool.metricsPort === undefined ? {} : { metricsPort: pool.metricsPort }),
  });
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('signal received; draining', { signal, grace });
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      // A second signal while draining is ignored by design: the grace period bounds the drain.
      process.on('SIGINT', () => {});
      process.on('SIGTERM', () => {});
      void pool.drain().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
