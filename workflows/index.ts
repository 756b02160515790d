/** Every job-type workflow the worker pool registers. Deterministic code only. */
export { dailySummary } from './daily-summary';
