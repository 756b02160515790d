/**
 * The Temporal runtime of a worker process: installed once, before the first connection, with the
 * log level (or logger) the caller chose and, for pool processes, a Prometheus endpoint.
 */
import type { LogMetadata } from '@temporalio/common';
import { DefaultLogger, Runtime, type LogLevel, type Logger } from '@temporalio/worker';
import { PLAN_MARKER_PREFIX } from '../../workflows/run-steps';
import { UsageError } from '../errors';
import { LOG_LEVELS } from './log';

let installed = false;

/** Options of {@link installRuntime}. */
export interface RuntimeInstallOptions {
  logLevel?: string;
  /** A logger to use instead of the SDK's default one (at `logLevel`). */
  logger?: Logger;
  /** Serve the runtime's metrics for Prometheus on this `host:port`. */
  prometheusBindAddress?: string;
  /**
   * Signals on which the runtime shuts every worker down. @default the SDK's (SIGINT, SIGTERM,
   * SIGQUIT, SIGUSR2). Pool processes pass [] and drain on their supervisor's request instead.
   */
  shutdownSignals?: NodeJS.Signals[];
}

/**
 * Validates `--log-level`.
 * @throws {UsageError} for an unknown level
 */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level '${value}' is not one of ${LOG_LEVELS.join(', ').toLowerCase()}`);
  }
  return level as LogLevel;
}

/**
 * Installs the runtime; later calls do nothing.
 * @throws {UsageError} for an unknown level
 */
export function installRuntime(options: RuntimeInstallOptions = {}): void {
  if (installed) return;
  const level = parseLogLevel(options.logLevel);
  Runtime.install({
    logger: withoutPlanMarkerWarnings(options.logger ?? new DefaultLogger(level)),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    telemetryOptions: {
      // The core's own logs go through the logger too (so the filter below sees them).
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      ...(options.prometheusBindAddress
        ? { metrics: { prometheus: { bindAddress: options.prometheusBindAddress } } }
        : {}),
    },
  });
  installed = true;
}

/**
 * `logger` without the core's warning that it skipped the `TemporalChangeVersion` upsert of a steps
 * run's plan marker, which it would log on every run: plan markers are long on purpose
 * (workflows/run-steps.ts, `planMarker`).
 */
export function withoutPlanMarkerWarnings(logger: Logger): Logger {
  const skipped = (message: string) =>
    message.includes(PLAN_MARKER_PREFIX) && message.includes('TemporalChangeVersion');
  return {
    log: (level: LogLevel, message: string, meta?: LogMetadata) => {
      if (!skipped(message)) logger.log(level, message, meta);
    },
    trace: (message: string, meta?: LogMetadata) => {
      logger.trace(message, meta);
    },
    debug: (message: string, meta?: LogMetadata) => {
      logger.debug(message, meta);
    },
    info: (message: string, meta?: LogMetadata) => {
      logger.info(message, meta);
    },
    warn: (message: string, meta?: LogMetadata) => {
      if (!skipped(message)) logger.warn(message, meta);
    },
    error: (message: string, meta?: LogMetadata) => {
      logger.error(message, meta);
    },
  };
}
