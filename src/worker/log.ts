/**
 * Structured logs of the worker pool: one line per event, either readable
 * (`2026-11-21T18:00:00.123Z INFO  [p2] step completed workflowId=… job=… step=… attempt=1`) or
 * JSON (`--log-format json`). Installed as the Temporal runtime's logger, so the SDK's own
 * workflow and activity logs carry the same fields (workflowId, activityType, attempt, …).
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

/** Log levels accepted by `--log-level` (in any case). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** Formats `--log-format` accepts. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Keys never printed: the SDK's internal markers and opaque task tokens. */
const HIDDEN = new Set(['sdkComponent', 'taskToken', 'isLocal']);

/** Options of {@link StructuredLogger}. */
export interface StructuredLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Fields added to every line, e.g. `{ process: 2 }`. */
  readonly base?: LogMetadata;
  /** Where lines go. @default process.stdout */
  readonly write?: (line: string) => void;
}

/** A {@link Logger} writing one readable or JSON line per event. */
export class StructuredLogger implements Logger {
  private readonly min: number;
  private readonly write: (line: string) => void;
  constructor(private readonly options: StructuredLoggerOptions) {
    this.min = SEVERITY[options.level];
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    if (SEVERITY[level] < this.min) return;
    const fields: Record<string, unknown> = { ...this.options.base };
    for (const [key, value] of Object.entries(meta)) {
      if (!HIDDEN.has(key) && value !== undefined) fields[key] = value;
    }
    const time = new Date().toISOString();
    if (this.options.format === 'json') {
      this.write(JSON.stringify({ time, level: level.toLowerCase(), message, ...fields }, jsonSafe));
      return;
    }
    const who = fields.process === undefined ? '' : `[p${fields.process as string | number}] `;
    delete fields.process;
    const rest = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, jsonSafe)}`)
      .join(' ');
    this.write(`${time} ${level.padEnd(5)} ${who}${message}${rest ? ` ${rest}` : ''}`);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}
