/** What every benchmark gets from the bench entry point. */
import type { Client } from '@temporalio/client';
import type { TemporalCli } from '../../src/dev-server/temporal-cli';
import type { Bundles } from './bundles';
import type { BenchOptions } from './options';

/** The shared server, client, options and printer of a bench run. */
export interface BenchContext {
  readonly client: Client;
  /** The Temporal CLI the dev servers run from (also the official client the baselines use). */
  readonly temporalCli: TemporalCli;
  /** The dev server's gRPC address. */
  readonly address: string;
  /** The dev server's process id (for its CPU time). */
  readonly serverPid: number | undefined;
  readonly options: BenchOptions;
  /** Workflow bundle files built once for every worker. */
  readonly bundles: Bundles;
  /** durable-cron's database, shared by every worker pool of the run. */
  readonly databaseUrl: string;
  /** Prints a progress or figure line. */
  log(line: string): void;
}
