/**
 * Names of durable-cron's own tables in the jobs' database. Every one starts with
 * {@link TABLE_PREFIX}, so they never collide with the tables of the user's jobs.
 */

/** Prefix of every table durable-cron creates. */
export const TABLE_PREFIX = 'durable_cron_';

/**
 * The effects log: one row per effectful step execution, keyed by its idempotency key (see
 * `once` in activities/effects.ts).
 */
export const EFFECTS_TABLE = 'durable_cron_effects';

/** Which migrations of which source (durable-cron's own, or a jobs module's) have been applied. */
export const MIGRATIONS_TABLE = 'durable_cron_migrations';
