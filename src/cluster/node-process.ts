/**
 * One `temporal-server start` process: spawned in its own process group with its output
 * appended to a log file, waited for, and stopped or killed by group.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { Connection, type TLSConfig } from '@temporalio/client';
import { delay, isAlive } from '../dev-server/dev-server';
import { DurableCronError } from '../errors';

/** A started node process. */
export interface NodeProcess {
  readonly pid: number;
  /** Resolves when the process exits (never for a process this one did not start). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
}

/**
 * Starts `<server> --root <configDir> --config . --env node start` (reads `<configDir>/node.yaml`), detached in a new
 * process group, output appended to `logFile`.
 * @throws {DurableCronError} when the process cannot be spawned
 */
export function spawnNode(
  server: string,
  configDir: string,
  logFile: string,
  keepRunning: boolean,
): NodeProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(
    server,
    ['--root', configDir, '--config', '.', '--env', 'node', '--allow-no-auth', 'start'],
    {
      cwd: configDir,
      detached: true,
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  if (child.pid === undefined) throw new DurableCronError(`could not start ${server}`);
  if (keepRunning) child.unref();
  let exitedFlag = false;
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => {
      exitedFlag = true;
      done(code);
    });
    child.once('error', () => {
      exitedFlag = true;
      done(null);
    });
  });
  return { pid: child.pid, exited, hasExited: () => exitedFlag };
}

/** Sends `signal` to the process group led by `pid` (ignoring a group that is gone). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops the process group led by `pid`: SIGTERM, then SIGKILL after `graceMs`; resolves once the
 * leader is gone (bounded: at most `graceMs` + 5 s).
 */
export async function stopGroup(pid: number, graceMs = 15_000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < killDeadline) await delay(50);
}

/** True when a frontend at `address` answers a gRPC call within `timeoutMs`. */
export async function frontendAnswers(
  address: string,
  tls: TLSConfig | undefined,
  timeoutMs: number,
): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, tls, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

/** The last `chars` characters of a log file, or '' when it does not exist. */
export function logTail(logFile: string, chars = 3000): string {
  if (!existsSync(logFile)) return '';
  return readFileSync(logFile, 'utf8').slice(-chars).trim();
}

/**
 * Waits until the node's frontend answers.
 * @throws {DurableCronError} with the end of the node's log when it exits or does not answer in time
 */
export async function waitForFrontend(
  label: string,
  address: string,
  tls: TLSConfig | undefined,
  node: NodeProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await frontendAnswers(address, tls, 2_000))) {
    if (node.hasExited() || Date.now() > deadline) {
      const tail = logTail(logFile);
      throw new DurableCronError(
        `${label} (frontend ${address}) ${node.hasExited() ? 'exited' : `did not answer within ${timeoutMs / 1000}s`}; ` +
          `log ${logFile}` +
          (tail ? `, last lines:\n${tail}` : ''),
      );
    }
    await delay(500);
  }
}
