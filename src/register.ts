/**
 * `node --require durable-cron/register`: lets Node load TypeScript files (a job module's tests, a
 * script) without a build step, the way `--jobs` loads TypeScript job modules. Types are stripped,
 * not checked: run `tsc --noEmit` for that.
 *
 * ```sh
 * node --require durable-cron/register --test test/*.test.ts
 * ```
 */
import { registerTypeScript } from './job-types/ts-hook';

registerTypeScript();
