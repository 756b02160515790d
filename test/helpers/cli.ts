/** Runs the built `durable-cron` binary as a user would. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Path of the compiled CLI executable (the package's `bin`). */
export const CLI = join(__dirname, '..', '..', 'src', 'cli', 'bin.js');

/** Exit code and output of one CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** This process's environment without `TEMPORAL_*` and `DURABLE_CRON_*` variables, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('DURABLE_CRON_'),
      ),
    ),
    ...extra,
  };
}

/** Runs the CLI with `args` and a clean Temporal environment (plus `env`). */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The CLI run against one Temporal server: {@link cliAgainst}. */
export type ServerCli = (args: readonly string[]) => Promise<CliResult>;

/**
 * The CLI bound to a test server: every run gets `--address` and `--task-queue` of `config()`
 * (read at each run, so it may be called before the server starts), then `extra` flags.
 */
export function cliAgainst(
  config: () => { readonly address: string; readonly taskQueue: string },
  extra: readonly string[] = [],
): ServerCli {
  return (args) => {
    const { address, taskQueue } = config();
    return runCli([...args, '--address', address, '--task-queue', taskQueue, ...extra]);
  };
}
