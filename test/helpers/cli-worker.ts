/** A `durable-cron worker` pool run as a user would: its own process group, output collected. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, cliEnv } from './cli';
import { eventually } from './temporal';

/** A running pool. */
export interface CliWorker {
  readonly process: ChildProcess;
  /** Everything the pool printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` to the whole process group and waits (bounded) for the pool to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `durable-cron worker <args>` with a clean Temporal environment plus `env`, and waits until
 * it polls (it fails at once if the pool exits first).
 * @throws when the pool exits or does not poll within `timeoutMs`
 */
export async function startCliWorker(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliWorker> {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnv(options.env),
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const worker: CliWorker = {
    process: child,
    output: () => output,
    async stop(signal = 'SIGKILL') {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        return; // Already gone.
      }
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000))]);
    },
  };
  try {
    await eventually(
      'the pool to poll',
      () => {
        if (child.exitCode !== null) throw new Error(`the pool exited: ${output}`);
        return Promise.resolve(output.includes('worker polling') ? true : undefined);
      },
      options.timeoutMs ?? 60_000,
    );
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return worker;
}
