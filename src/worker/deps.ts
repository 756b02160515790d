/**
 * Opening the dependencies activities need (see `createActivities`), and closing them when the
 * worker stops. Every worker process, the CLI's and the pool's, goes through here.
 */
import { resolve } from 'node:path';
import type { ActivityDeps } from '../../activities';

/** Options for {@link openActivityDeps}. */
export interface ActivityDepsOptions {
  /** Directory for file-based effects. @default .data */
  readonly dataDir?: string;
}

/** Opened dependencies and how to release them. */
export interface OpenedDeps {
  readonly deps: ActivityDeps;
  close(this: void): Promise<void>;
}

/** Opens the activity dependencies. */
export function openActivityDeps(options: ActivityDepsOptions = {}): Promise<OpenedDeps> {
  const deps: ActivityDeps = { dataDir: resolve(options.dataDir ?? '.data') };
  return Promise.resolve({ deps, close: () => Promise.resolve() });
}
