/**
 * The migration sets of the job types the CLI's worker runs. Today those are the shop example's,
 * built in; `setup`, `worker` and `start` apply their tables after durable-cron's own.
 */
import { migrations as shopMigrations } from '../../examples/shop/migrations';
import type { MigrationSet } from '../db/migrate';

/** Migration sets of the built-in job types (the shop example's tables). */
export const BUILT_IN_JOBS_MIGRATIONS: readonly MigrationSet[] = [shopMigrations];
