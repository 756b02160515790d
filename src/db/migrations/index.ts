/**
 * Versioned schema migrations, as TypeScript modules (tsc does not copy .sql files into dist/).
 * Append a new file with the next version; never edit one that has shipped.
 */
import { migration as m001 } from './001-example-schema';

/** One migration: applied once, in version order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in version order. */
export const MIGRATIONS: readonly Migration[] = [m001];
