/**
 * Workflow interceptors the worker pool bundles with every job type: count runs by job type and
 * outcome, and log run start and end with the run's job. Deterministic: metrics and logs go
 * through the SDK's sinks, which stay silent while a workflow replays.
 */
import {
  log,
  metricMeter,
  workflowInfo,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { JOB_ID, JOB_TYPE, OUTCOME, SCHEDULED_BY_ID } from './search-attributes';

const runsStarted = metricMeter.createCounter(
  'durable_cron_runs_started',
  'runs',
  'Runs started, by job type',
);
const runsCompleted = metricMeter.createCounter(
  'durable_cron_runs_completed',
  'runs',
  'Runs completed successfully, by job type',
);
const runsFailed = metricMeter.createCounter(
  'durable_cron_runs_failed',
  'runs',
  'Runs that failed without compensating, by job type',
);
const runsCompensated = metricMeter.createCounter(
  'durable_cron_runs_compensated',
  'runs',
  'Runs that ran their compensations (outcome compensated), by job type',
);

class RunMetricsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    const info = workflowInfo();
    const jobType = info.typedSearchAttributes.get(JOB_TYPE) ?? info.workflowType;
    const job = info.typedSearchAttributes.get(JOB_ID) ?? info.typedSearchAttributes.get(SCHEDULED_BY_ID);
    const tags = { job_type: jobType };
    const meta = { job, jobType };
    // A continued-as-new run is the same logical run: count it once.
    if (!info.continuedFromExecutionRunId) {
      runsStarted.add(1, tags);
      log.info('run started', meta);
    }
    try {
      const result: unknown = await next(input);
      runsCompleted.add(1, tags);
      log.info('run completed', meta);
      return result;
    } catch (err) {
      const compensated = workflowInfo().typedSearchAttributes.get(OUTCOME) === 'compensated';
      // Continue-as-new surfaces as a thrown ContinueAsNew: not an outcome.
      if ((err as { name?: string } | undefined)?.name !== 'ContinueAsNew') {
        (compensated ? runsCompensated : runsFailed).add(1, tags);
        log.warn(compensated ? 'run compensated' : 'run failed', {
          ...meta,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      throw err;
    }
  }
}

/** The interceptors factory the worker pool registers (`workflowInterceptorModules`). */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RunMetricsInterceptor()] });
