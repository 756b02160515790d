/**
 * Versioned schema migrations, as TypeScript modules (tsc does not copy .sql files into dist/).
 * durable-cron's own create only `durable_cron_` tables (see `../tables.ts`); a jobs module that
 * needs tables of its own declares a {@link MigrationSet} under its own `source`.
 * Append a new file with the next version; never edit one that has shipped.
 */
import { migration as m001 } from './001-effects-log';

/** One migration: applied once, in version order, inside a transaction. */
export interface Migration {
  /** Positive integer, unique within its set; migrations apply in ascending order. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The migrations of one owner, tracked apart from every other owner's: versions are numbered per
 * source, so a jobs module's version 1 never clashes with durable-cron's.
 */
export interface MigrationSet {
  /** Who owns the set: `durable-cron` for ours, a jobs module's own name for its (`shop-example`). */
  readonly source: string;
  readonly migrations: readonly Migration[];
}

/** The source of durable-cron's own migrations; no other set may use it. */
export const DURABLE_CRON_SOURCE = 'durable-cron';

/** durable-cron's own migrations, applied before any other set. */
export const DURABLE_CRON_MIGRATIONS: MigrationSet = {
  source: DURABLE_CRON_SOURCE,
  migrations: [m001],
};
