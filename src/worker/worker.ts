/**
 * A Temporal Worker for durable-cron's task queue, with the workflows and activities of its job types.
 */
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { ActivityDeps, ActivityFunction } from '../../activities/deps';
import { dataConverterFor } from '../codec';
import type { ResolvedConfig } from '../config';
import type { JobTypeRegistry } from '../job-types/registry';
import { bundleWorkflows } from './bundle';
import { failureInjectionInterceptors, type InjectedFailure } from './failure-injection';
import { heartbeatInterceptors } from './heartbeat';
import { stepInterceptors } from './interceptors';

export { bundleWorkflows } from './bundle';

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
  /** With `codec`, every payload the worker sends is encrypted and every one it receives decrypted. */
  readonly config: Pick<ResolvedConfig, 'namespace' | 'taskQueue' | 'codec'>;
  readonly deps: ActivityDeps;
  /** The job types whose workflows and activities the worker registers. */
  readonly registry: JobTypeRegistry;
  /** A prebuilt bundle, in memory or as a file; bundled on the spot when absent. */
  readonly bundle?: WorkflowBundleOption;
  /** How long in-flight activities may finish after shutdown starts (milliseconds, or `ms` text such as `30s`). @default 30s */
  readonly shutdownGraceTime?: string | number;
  readonly limits?: WorkerLimits;
  /** Activities added to (or replacing) the job types' activities. Tests only. */
  readonly extraActivities?: Record<string, ActivityFunction>;
  /**
   * Steps made to fail on purpose. Tests, the chaos harness and the local demo only: no jobs file,
   * config or flag of `durable-cron worker` sets it. @default none
   */
  readonly failureInjection?: readonly InjectedFailure[];
}

/** Creates (but does not run) a worker. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const bundle = options.bundle ?? (await bundleWorkflows(options.registry));
  const limits = options.limits ?? {};
  const dataConverter = dataConverterFor(options.config);
  return Worker.create({
    connection: options.connection,
    namespace: options.config.namespace,
    taskQueue: options.config.taskQueue,
    workflowBundle: bundle,
    ...(dataConverter ? { dataConverter } : {}),
    activities: { ...options.registry.activities(options.deps), ...options.extraActivities },
    interceptors: {
      activity: [
        stepInterceptors,
        heartbeatInterceptors,
        ...(options.failureInjection?.length ? [failureInjectionInterceptors(options.failureInjection)] : []),
      ],
    },
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
