/**
 * The worker pool: N OS processes, each a Temporal Worker on the task queue, sharing one workflow
 * bundle built here once and written to a file. A {@link Supervisor} restarts crashed processes;
 * {@link WorkerPool.drain} stops them gracefully; an optional HTTP endpoint serves metrics and health.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '@temporalio/common';
import type { ResolvedConfig } from '../config';
import type { MigrationSet } from '../db/migrate';
import { freePort } from '../dev-server/dev-server';
import { openActivityDeps, type OpenedDeps } from './deps';
import type { InjectedFailure } from './failure-injection';
import type { LogFormat } from './log';
import { startMetricsServer } from './metrics';
import { Supervisor, type SlotStatus } from './supervisor';
import { loadJobModules } from '../job-types/modules';
import type { JobTypeRegistry } from '../job-types/registry';
import type { WorkerPermissions } from './pool-messages';
import { bundleWorkflows, type WorkerLimits } from './worker';

/** Options of {@link startWorkerPool}. */
export interface WorkerPoolOptions {
  readonly config: ResolvedConfig;
  /** Worker processes. @default the number of CPU cores */
  readonly processes?: number;
  /** Time in-flight activities get to finish on drain, e.g. `30s`. */
  readonly grace: string;
  /** {@link grace} in milliseconds (already validated by the caller). */
  readonly graceMs: number;
  readonly limits?: WorkerLimits;
  /** Directory for file-based job effects. */
  readonly dataDir: string;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  /** The supervisor's own logger. */
  readonly logger: Logger;
  /** Port of the embedded database, when no `databaseUrl` is configured. @default 55432 */
  readonly embeddedDatabasePort?: number;
  /** The jobs modules (absolute paths) whose job types the processes register, besides the built-in ones. */
  readonly jobs: readonly string[];
  /** What the built-in http and command job types may do. @default nothing */
  readonly permissions?: WorkerPermissions;
  /**
   * A bundle file made by `durable-cron bundle` (checked by the caller) the processes use; the
   * pool bundles the job types' workflows itself when absent.
   */
  readonly workflowBundle?: string;
  /** Serve `/metrics` and `/healthz` on this port. */
  readonly metricsPort?: number;
  /** Host of the metrics endpoint. @default 0.0.0.0 */
  readonly metricsHost?: string;
  /**
   * Test hooks, never set by the CLI: a workflows module to bundle instead of the job types'
   * (it should re-export them), a module whose `createActivities(deps)` adds activities, and
   * steps made to fail on purpose.
   */
  readonly testHooks?: {
    readonly workflowsPath?: string;
    readonly activitiesModule?: string;
    readonly failureInjection?: readonly InjectedFailure[];
  };
}

/** A running pool. */
export interface WorkerPool {
  /** Each process's slot, pid, and whether it polls. */
  status(): SlotStatus[];
  /** The metrics endpoint's port, when one was asked for. */
  readonly metricsPort: number | undefined;
  /** Stops every process gracefully; resolves when all have exited and resources are released. */
  drain(): Promise<void>;
}

/**
 * How long a drain may run past the grace period (processes closing connections and exiting)
 * before stragglers are killed: a supervisor (Docker's `stop_grace_period`, Kubernetes'
 * `terminationGracePeriodSeconds`) should allow the pool at least grace + this.
 */
export const DRAIN_MARGIN_MS = 15_000;

/** Default number of worker processes: one per CPU core. */
export function defaultProcesses(): number {
  return availableParallelism();
}

/**
 * Without a `DATABASE_URL` the pool's own process serves the embedded database (and migrates it)
 * for as long as the pool runs, and the worker processes connect to it: a worker process that dies
 * never takes the database of the others with it.
 */
async function openEmbeddedForPool(
  options: WorkerPoolOptions,
  migrations: readonly MigrationSet[],
): Promise<OpenedDeps | undefined> {
  if (options.config.databaseUrl !== undefined) return undefined;
  const opened = await openActivityDeps({
    dataDir: options.dataDir,
    embeddedDatabasePort: options.embeddedDatabasePort,
    maxConnections: 1,
    migrations,
  });
  options.logger.info(
    opened.servesEmbedded ? 'serving the embedded database' : 'using the embedded database',
    { database: opened.databaseDescription },
  );
  return opened;
}

/** Bundles the workflows once for every process, into a file in a new temporary folder. */
async function bundleOnce(options: WorkerPoolOptions, registry: JobTypeRegistry): Promise<string> {
  options.logger.info('bundling workflows once for all processes');
  const bundle = await bundleWorkflows(options.testHooks?.workflowsPath ?? registry);
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-pool-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  return bundlePath;
}

/** Builds (or takes) the workflow bundle once, starts the processes and (optionally) the metrics endpoint. */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const processes = options.processes ?? defaultProcesses();
  const loaded = loadJobModules(options.jobs);
  const bundlePath = options.workflowBundle ?? (await bundleOnce(options, loaded.registry));
  // A prebuilt bundle belongs to the caller; one built here goes with its temporary folder.
  const removeBundle = () => {
    if (options.workflowBundle === undefined) rmSync(dirname(bundlePath), { recursive: true, force: true });
  };
  const embedded = await openEmbeddedForPool(options, loaded.migrations).catch((err: unknown) => {
    removeBundle();
    throw err;
  });
  const config: ResolvedConfig = embedded
    ? { ...options.config, databaseUrl: embedded.databaseUrl }
    : options.config;
  const cleanup = async () => {
    removeBundle();
    await embedded?.close();
  };

  const supervisor = new Supervisor({
    processes,
    logger: options.logger,
    drainTimeoutMs: options.graceMs + DRAIN_MARGIN_MS,
    startMessage: async (slot) => ({
      type: 'start',
      slot,
      config,
      bundlePath,
      grace: options.grace,
      graceMs: options.graceMs,
      limits: options.limits ?? {},
      dataDir: options.dataDir,
      logLevel: options.logLevel,
      logFormat: options.logFormat,
      metricsPort: options.metricsPort === undefined ? undefined : await freePort(),
      extraActivitiesModule: options.testHooks?.activitiesModule,
      failureInjection: options.testHooks?.failureInjection,
      jobs: options.jobs,
      permissions: options.permissions ?? {},
    }),
  });
  let server: Server | undefined;
  try {
    await supervisor.start();
    if (options.metricsPort !== undefined) {
      server = await startMetricsServer(
        { processes: () => supervisor.status() },
        options.metricsPort,
        options.metricsHost,
      );
    }
  } catch (err) {
    await supervisor.drain();
    await cleanup();
    throw err;
  }
  const address = server?.address();
  let drained: Promise<void> | undefined;
  return {
    status: () => supervisor.status(),
    metricsPort: typeof address === 'object' && address ? address.port : undefined,
    drain() {
      drained ??= (async () => {
        await supervisor.drain();
        await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
        await cleanup();
        options.logger.info('pool stopped');
      })();
      return drained;
    },
  };
}
