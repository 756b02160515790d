/** Starting baseline worker processes (each in its own process group) and stopping them. */
import { fork, type ChildProcess } from 'node:child_process';

/** Worker processes started by {@link startProcesses}. */
export interface Processes {
  readonly pids: number[];
  /** SIGTERM to each process group, SIGKILL after 10 s; resolves when all exited. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Forks `count` processes of `entry` with `args` as JSON and waits (at most 120 s) until each says
 * `ready`; stops the started ones and throws if one exits or times out first.
 */
export async function startProcesses(entry: string, args: object, count: number): Promise<Processes> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children) killGroup(c, 'SIGTERM');
    const killer = setTimeout(() => children.forEach((c) => killGroup(c, 'SIGKILL')), 10_000);
    await Promise.all(children.map(exited));
    clearTimeout(killer);
  };
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const child = fork(entry, [JSON.stringify(args)], {
          detached: true,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<void>((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`${entry} not ready after 120 s`)), 120_000);
          child.once('message', () => {
            clearTimeout(timer);
            done();
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            fail(new Error(`${entry} exited with ${code} before it was ready`));
          });
        });
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { pids: children.map((c) => c.pid ?? -1), stop };
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
