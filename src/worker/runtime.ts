/**
 * The Temporal runtime of a worker process: installed once, before the first connection, with the
 * log level (or logger) the caller chose and, for pool processes, a Prometheus endpoint.
 */
import {
  DefaultLogger,
  Runtime,
  makeTelemetryFilterString,
  type LogLevel,
  type Logger,
} from '@temporalio/worker';
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
    logger: options.logger ?? new DefaultLogger(level),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    telemetryOptions: options.prometheusBindAddress
      ? {
          logging: { filter: coreLogFilter('WARN'), forward: {} },
          metrics: { prometheus: { bindAddress: options.prometheusBindAddress } },
        }
      : { logging: { filter: coreLogFilter('ERROR') } },
  });
  installed = true;
}

/**
 * The core's log filter (the SDK's default levels, `other` as given), without the warnings of its
 * patch machine: the core logs one on every run whose patch ids reach the 2 KB limit of the
 * `TemporalChangeVersion` upsert, which steps runs' plan markers do on purpose
 * (workflows/run-steps.ts, `planMarker`). Its errors still show.
 */
function coreLogFilter(other: LogLevel): string {
  return `${makeTelemetryFilterString({ core: 'WARN', other })},${PATCH_MACHINE_TARGET}=ERROR`;
}

/** The tracing target of the core's patch machine (the module that logs the skipped upsert). */
const PATCH_MACHINE_TARGET = 'temporalio_sdk_core::worker::workflow::machines::patch_state_machine';
