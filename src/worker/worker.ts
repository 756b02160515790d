/**
 * A Temporal Worker for durable-cron's task queue, with every job-type workflow and activity.
 */
import {
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { ResolvedConfig } from '../config';
import { heartbeatInterceptors } from './heartbeat';
import { stepInterceptors } from './interceptors';

/** Path of the workflow code the worker bundles. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Path of the workflow interceptors (run metrics and logs) bundled with the workflows. */
export const WORKFLOW_INTERCEPTORS_PATH = require.resolve('../../workflows/interceptors');

/**
 * Bundles the workflow code once; pass the result to several workers.
 * @param workflowsPath module exporting the workflows @default {@link WORKFLOWS_PATH}
 */
export async function bundleWorkflows(
  workflowsPath: string = WORKFLOWS_PATH,
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: quietLogger,
  });
}

/**
 * How long a workflow task waits on a worker's own (sticky) queue before any worker may take it:
 * short, so the runs cached on a process that died move on quickly. @default SDK: 10s
 */
export const STICKY_QUEUE_TIMEOUT = '3s';

/** Concurrency limits of one worker; unset fields keep the SDK's defaults. */
export interface WorkerLimits {
  /** Activities (steps) running at once. */
  readonly maxActivities?: number;
  /** Workflow tasks processed at once. */
  readonly maxWorkflows?: number;
  /** Workflows kept in the sticky cache. */
  readonly maxCachedWorkflows?: number;
}

/** Options for {@link createWorker}. */
export interface CreateWorkerOptions {
  readonly connection: NativeConnection;
  readonly config: Pick<ResolvedConfig, 'namespace' | 'taskQueue'>;
  readonly deps: ActivityDeps;
  /** A prebuilt bundle, in memory or as a file; bundled on the spot when absent. */
  readonly bundle?: WorkflowBundleOption;
  /** How long in-flight activities may finish after shutdown starts. @default 30s */
  readonly shutdownGraceTime?: string;
  readonly limits?: WorkerLimits;
  /** Activities added to (or replacing) the job types' activities. Tests only. */
  readonly extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

/** Creates (but does not run) a worker. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const bundle = options.bundle ?? (await bundleWorkflows());
  const limits = options.limits ?? {};
  return Worker.create({
    connection: options.connection,
    namespace: options.config.namespace,
    taskQueue: options.config.taskQueue,
    workflowBundle: bundle,
    activities: { ...createActivities(options.deps), ...options.extraActivities },
    interceptors: { activity: [stepInterceptors, heartbeatInterceptors] },
    // A workflow task sent to a process that died moves to the shared queue after this long.
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
    shutdownGraceTime: options.shutdownGraceTime ?? '30s',
    ...(limits.maxActivities !== undefined
      ? { maxConcurrentActivityTaskExecutions: limits.maxActivities }
      : {}),
    ...(limits.maxWorkflows !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: limits.maxWorkflows }
      : {}),
    ...(limits.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: limits.maxCachedWorkflows } : {}),
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
