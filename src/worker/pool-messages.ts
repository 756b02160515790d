/** Messages between the worker pool's supervisor and its processes (over the fork IPC channel). */
import type { ResolvedConfig } from '../config';
import type { InjectedFailure } from './failure-injection';
import type { LogFormat } from './log';
import type { WorkerLimits } from './worker';

/** Supervisor → process: everything a pool process needs to run its worker. */
export interface StartMessage {
  readonly type: 'start';
  /** 1-based slot number, stable across restarts of the slot. */
  readonly slot: number;
  readonly config: ResolvedConfig;
  /** The workflow bundle the supervisor built once. */
  readonly bundlePath: string;
  /** The grace time as written in logs, e.g. `30s`. */
  readonly grace: string;
  /** {@link grace} in milliseconds. */
  readonly graceMs: number;
  readonly limits: WorkerLimits;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  /** Port of this process's Prometheus endpoint (127.0.0.1). */
  readonly metricsPort?: number;
  /** A module exporting `createActivities(deps)` whose activities are added. Tests only. */
  readonly extraActivitiesModule?: string;
  /** Steps made to fail on purpose (`CreateWorkerOptions.failureInjection`). Tests only. */
  readonly failureInjection?: readonly InjectedFailure[];
  /** The jobs modules to load (absolute paths), besides the built-in job types. */
  readonly jobs: readonly string[];
  readonly permissions: WorkerPermissions;
}

/** What the built-in job types may do on a worker (`--allow-http`, `--allow-command`). */
export interface WorkerPermissions {
  /** Hosts the http job type may call. @default none */
  readonly allowHttp?: readonly string[];
  /** Whether the command job type may run programs. @default false */
  readonly allowCommand?: boolean;
}

/** Supervisor → process: stop polling, let in-flight activities finish within the grace time, exit 0. */
export interface ShutdownMessage {
  readonly type: 'shutdown';
}

/** Process → supervisor: the worker's state changed (`RUNNING` means polling). */
export interface StateMessage {
  readonly type: 'state';
  readonly state: string;
}

/** Process → supervisor: why the process is about to exit with an error. */
export interface FatalMessage {
  readonly type: 'fatal';
  readonly message: string;
}

/** What the supervisor sends. */
export type ToProcess = StartMessage | ShutdownMessage;
/** What a process sends. */
export type FromProcess = StateMessage | FatalMessage;
