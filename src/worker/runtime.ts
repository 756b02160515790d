/**
 * The Temporal runtime of a worker process: installed once, before the first connection, with the
 * log level the caller chose.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { UsageError } from '../errors';

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

let installed = false;

/**
 * Installs the runtime with `logLevel`; later calls do nothing.
 * @throws {UsageError} for an unknown level
 */
export function installRuntime(options: { logLevel?: string } = {}): void {
  if (installed) return;
  const level = (options.logLevel ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(
      `--log-level '${options.logLevel}' is not one of ${LOG_LEVELS.join(', ').toLowerCase()}`,
    );
  }
  Runtime.install({ logger: new DefaultLogger(level as LogLevel) });
  installed = true;
}
