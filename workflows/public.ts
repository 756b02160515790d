/**
 * `durable-cron/workflow`: what a job type's own workflow uses (deterministic code only): its run's
 * nominal fire time and step context, steps called with their policies and the job's overrides,
 * and sagas whose compensations undo completed steps in reverse order.
 */
export { nominalFireTime, stepContext } from './run-context';
export {
  DEFAULT_HEARTBEAT_TIMEOUT,
  OUTCOME_COMPENSATED,
  OUTCOME_COMPENSATION_FAILED,
  Saga,
  StepRunner,
  activityOptions,
  failureMessage,
  rootCause,
  runSaga,
} from './steps';
export type {
  JobRunInput,
  SagaReport,
  StepContext,
  StepDefinition,
  StepOverride,
  StepPolicy,
  StepRetryPolicy,
} from '../src/types';
