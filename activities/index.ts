/**
 * durable-cron's own side effects: the activities of steps job types, once-only effects keyed by
 * idempotency key, and the helpers every activity uses. A job type's own activities live with it.
 */
export type { ActivityDeps, ActivityFunction } from './deps';
export { idempotencyKey, localDate } from './context';
export { inTransaction, once, requireDb, type Once } from './effects';
export { PLAN_ACTIVITY, createStepActivities, stepsPlans, type StepsPlan } from './steps';
