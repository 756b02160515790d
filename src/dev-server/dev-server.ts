/**
 * Starting and stopping the Temporal dev server (SQLite persistence, Web UI embedded) with
 * durable-cron's namespace and search attributes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { DurableCronError, errorMessage } from '../errors';
import type { TemporalCli } from './temporal-cli';

/** Options for {@link startDevServer}. */
export interface DevServerOptions {
  readonly cli: TemporalCli;
  /** gRPC port. @default 7233 */
  readonly port?: number;
  /** Web UI port. @default port + 1000 */
  readonly uiPort?: number;
  /** IP to bind. @default 127.0.0.1 */
  readonly ip?: string;
  /** SQLite file; `undefined` keeps everything in memory. */
  readonly dbFile?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** Run without the Web UI. @default false */
  readonly headless?: boolean;
  /** Leave the server running after this process exits; writes a pid file. @default false */
  readonly detach?: boolean;
  /** Remote codec server the Web UI decodes payloads with (`durable-cron codec-server`). */
  readonly uiCodecEndpoint?: string;
  /** Directory for pid and log files of detached servers. @default .data */
  readonly stateDir?: string;
  /** How long to wait for the server to answer. @default 60 s */
  readonly startTimeoutMs?: number;
  /** Dynamic config values (JSON-encoded) set on top of {@link DEV_DYNAMIC_CONFIG}, by key. */
  readonly dynamicConfig?: Readonly<Record<string, unknown>>;
}

/**
 * The dynamic config every dev server started here gets: schedules start at most 30 workflows/s
 * per namespace by default, and visibility answers 10 queries/s; both raised for local bulk work.
 */
export const DEV_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'worker.schedulerNamespaceStartWorkflowRPS': 500,
  'frontend.namespaceRPS.visibility': 1000,
};

/** A running dev server. */
export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | undefined;
  /** Process id; undefined when an already running server was reused. */
  readonly pid: number | undefined;
  readonly reused: boolean;
  /** Stops the server if this process started it (not when detached or reused). */
  stop(): Promise<void>;
  /** Resolves when the server process exits (never for reused or detached servers). */
  readonly exited: Promise<number | null>;
}

/** Default directory of pid files, logs and the SQLite database, relative to the working directory. */
export const DEFAULT_STATE_DIR = '.data';

/** Path of the pid file of a detached server on `port`. */
export function pidFilePath(port: number, stateDir = DEFAULT_STATE_DIR): string {
  return resolve(stateDir, `temporal-${port}.pid`);
}

/**
 * Starts `temporal server start-dev`, or reuses a server already answering on the port, and waits
 * until it answers.
 * @throws {DurableCronError} when the port is taken by something else, or the server exits or does not answer in time
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${port}`;
  const uiUrl = options.headless ? undefined : `http://localhost:${uiPort}`;
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;

  if (await answers(address, 2_000)) {
    return {
      address,
      uiUrl,
      pid: undefined,
      reused: true,
      stop: async () => {},
      exited: new Promise(() => {}),
    };
  }
  if (!(await portIsFree(ip, port))) {
    throw new DurableCronError(
      `port ${port} is in use by something that is not a Temporal server; pick another with --port`,
    );
  }
  if (!options.headless && !(await portIsFree(ip, uiPort))) {
    throw new DurableCronError(`UI port ${uiPort} is in use; pick another with --ui-port`);
  }

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.uiCodecEndpoint !== undefined && !options.headless) {
    args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  }
  if (options.dbFile) {
    mkdirSync(dirname(resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const key of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  for (const [key, value] of Object.entries({ ...DEV_DYNAMIC_CONFIG, ...options.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  let child: ChildProcess;
  let logFile: string | undefined;
  if (options.detach) {
    mkdirSync(stateDir, { recursive: true });
    logFile = resolve(stateDir, `temporal-${port}.log`);
    const fd = openSync(logFile, 'a');
    child = spawn(options.cli.path, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
  } else {
    child = spawn(options.cli.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(address, 1_000))) {
    if (hasExited || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail =
        logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : output.join('');
      throw new DurableCronError(
        `Temporal dev server on ${address} ${hasExited ? 'exited' : 'did not answer in time'}` +
          (tail.trim() ? `; its last output:\n${tail.trim()}` : ''),
      );
    }
    await delay(200);
  }
  if (options.detach && child.pid !== undefined) {
    writeFileSync(pidFilePath(port, stateDir), `${child.pid}\n`);
  }
  const stop = async () => {
    if (options.detach || hasExited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return {
    address,
    uiUrl,
    pid: child.pid,
    reused: false,
    stop,
    exited: options.detach ? new Promise(() => {}) : exited,
  };
}

/**
 * Stops a detached dev server started on `port` and removes its pid file.
 * @returns false when no pid file (or no such process) was found
 */
export async function stopDetachedDevServer(port: number, stateDir = DEFAULT_STATE_DIR): Promise<boolean> {
  const file = pidFilePath(port, stateDir);
  if (!existsSync(file)) return false;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || !isAlive(pid)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await delay(100);
  }
  return true;
}

/** True when a Temporal frontend answers at `address` within `timeoutMs`. */
export async function answers(address: string, timeoutMs: number): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

/** Finds a free TCP port on 127.0.0.1 (for tests and side-by-side servers). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (typeof addr === 'object' && addr ? done(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** True when nothing listens on `ip:port`. */
export async function portIsFree(ip: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, ip, () => server.close(() => done(true)));
  });
}

/** True when a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' && errorMessage(err) !== '';
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Joins the state dir and a default database file name. */
export function defaultDbFile(stateDir = DEFAULT_STATE_DIR): string {
  return join(stateDir, 'temporal.db');
}
