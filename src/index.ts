/**
 * `durable-cron`: the library a jobs module imports. Declare job types with {@link defineJob}; an
 * own workflow imports its helpers from `durable-cron/workflow`.
 */
export {
  DEFAULT_COMPENSATION_POLICY,
  DEFAULT_STEP_POLICY,
  JobTypeDefinitionError,
  compensationName,
  defineJob,
  isJobType,
  type CompensationArgs,
  type JobStep,
  type JobType,
  type StepArgs,
  type StepPolicyInput,
  type StepsJobDeclaration,
  type WorkflowJobDeclaration,
  type WorkflowRef,
} from './job-types/define';
export type { ActivityDeps, ActivityFunction } from '../activities/deps';
export { idempotencyKey, localDate } from '../activities/context';
export { inTransaction, once, requireDb, type Once } from '../activities/effects';
export type { Migration } from './db/migrations';
export type { MigrationSet } from './db/migrate';
export { DURATION_FORMS, formatDuration, parseDuration } from './duration';
export { strictObject } from './jobs/zod-helpers';
export { DurableCronError, JobModuleError } from './errors';
export type {
  DurationValue,
  JobRunInput,
  SagaReport,
  StepContext,
  StepDefinition,
  StepOverride,
  StepPolicy,
  StepRetryPolicy,
} from './types';
export {
  TEST_STEP_CONTEXT,
  jobStep,
  stepArgsForTest,
  type StepArgsForTestOptions,
  type TestStepArgs,
} from './testing';
