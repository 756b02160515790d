/**
 * The job types every worker knows without any code of the user's: `http` (one HTTP request) and
 * `command` (one program). Both act only where the worker allows it (`--allow-http`, `--allow-command`).
 */
import { commandJobType } from './command';
import type { JobType } from './define';
import { httpJobType } from './http';

export { commandJobType } from './command';
export { httpJobType } from './http';

/** The built-in job types, in the order `validate` lists them. */
export const BUILTIN_JOB_TYPES: readonly JobType[] = [httpJobType, commandJobType];
