/**
 * A Temporal Worker for durable-cron's task queue, with every job-type workflow and activity.
 */
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { ResolvedConfig } from '../config';

/** Path of the workflow code the worker bundles. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Bundles the workflow code once; pass the result to several workers. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

/** Options for {@link createWorker}. */
export interface CreateWorkerOptions {
  readonly connection: NativeConnection;
  readonly config: Pick<ResolvedConfig, 'namespace' | 'taskQueue'>;
  readonly deps: ActivityDeps;
  /** A prebuilt bundle; bundled on the spot when absent. */
  readonly bundle?: WorkflowBundleWithSourceMap;
  /** How long in-flight activities may finish after shutdown starts. @default 30s */
  readonly shutdownGraceTime?: string;
}

/** Creates (but does not run) a worker. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const bundle = options.bundle ?? (await bundleWorkflows());
  return Worker.create({
    connection: options.connection,
    namespace: options.config.namespace,
    taskQueue: options.config.taskQueue,
    workflowBundle: bundle,
    activities: createActivities(options.deps),
    shutdownGraceTime: options.shutdownGraceTime ?? '30s',
  });
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
