/** What activities need from the outside world, and what the worker allows them to do. */
import type { Pool } from 'pg';

/** An activity implementation as the worker registers it. */
export type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** Dependencies and permissions of the activities of one worker process. */
export interface ActivityDeps {
  /** Directory for file-based effects. */
  readonly dataDir: string;
  /**
   * durable-cron's database. Optional so file-only job types run without one; a step that needs it
   * fails non-retryably with `NoDatabase` when it is missing.
   */
  readonly db?: Pool;
  /**
   * Hosts the built-in `http` job type may call (`--allow-http`): `host` or `host:port`, or `*` for
   * any. @default none
   */
  readonly allowHttp?: readonly string[];
  /** Whether the built-in `command` job type may run programs (`--allow-command`). @default false */
  readonly allowCommand?: boolean;
  /**
   * The worker's environment: where `${NAME}` references of `http` headers and the `command`
   * environment allow-list are read from. @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
