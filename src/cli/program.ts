/**
 * The command-line interface: argument parsing only. Each command calls one orchestration
 * function; nothing here touches Temporal directly.
 */
import { Command, Option } from 'commander';
import { configFrom } from './context';
import { runApply, runValidate } from './commands/apply';
import { runDev, type DevFlags } from './commands/dev';
import { runSetup, type SetupFlags } from './commands/setup';
import { runStart, type StartFlags } from './commands/start';
import { runWorker, type WorkerFlags } from './commands/worker';
import type { Output } from './output';

/** Builds the `durable-cron` program writing to `output`. */
export function buildProgram(output: Output): Command {
  const program = new Command('durable-cron')
    .description('Distributed scheduled jobs on Temporal: one run per fire time, never lost.')
    .version(readVersion(), '-V, --version')
    .option('--address <host:port>', 'Temporal frontend address (env TEMPORAL_ADDRESS)', undefined)
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE)')
    .option('--task-queue <name>', 'task queue of the worker pool (env DURABLE_CRON_TASK_QUEUE)')
    .option('--profile <name>', 'profile of the Temporal client config file (env TEMPORAL_PROFILE)')
    .option('--ui-url <url>', 'Temporal Web UI base URL (env DURABLE_CRON_UI_URL)')
    .option('--verbose', 'print stack traces on errors')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();

  const devOptions = (cmd: Command) =>
    cmd
      .option('--port <port>', 'gRPC port', '7233')
      .option('--ui-port <port>', 'Web UI port (default: port + 1000)')
      .option('--db-file <path>', 'SQLite database file (default: .data/temporal.db)')
      .option('--in-memory', 'keep everything in memory (nothing survives a restart)')
      .option('--ip <ip>', 'IP to bind', '127.0.0.1')
      .option('--headless', 'no Web UI');

  devOptions(
    program
      .command('dev')
      .description('run the local Temporal dev server (builds the pinned Temporal CLI the first time)'),
  )
    .option('--detach', 'run in the background (pid file in .data/)')
    .option('--stop', 'stop a detached server started on --port')
    .option('--install-only', 'obtain the pinned Temporal CLI (build it if needed), print its path, and exit')
    .option('--json', 'print server details as JSON')
    .action(async (flags: DevFlags) => runDev(flags, output));

  program
    .command('setup')
    .description(
      "register the search attributes durable-cron needs ('customer', 'env', ...) on the namespace",
    )
    .option('--json', 'print the result as JSON')
    .option(
      '--database-url <url>',
      "jobs' PostgreSQL database to migrate (env DATABASE_URL; default: embedded)",
    )
    .option('--data-dir <path>', 'where the embedded database keeps its files', '.data')
    .action(async (flags: SetupFlags, cmd: Command) => runSetup(configFrom(cmd), flags, output));

  program
    .command('validate')
    .description('check a jobs file and print every problem with its line')
    .requiredOption('-f, --file <path>', 'jobs file (YAML)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { file: string; json?: boolean }) => runValidate(flags, output));

  program
    .command('apply')
    .description('validate a jobs file, then create or update one Temporal Schedule per job')
    .requiredOption('-f, --file <path>', 'jobs file (YAML)')
    .option('--json', 'print the changes as JSON')
    .action(async (flags: { file: string; json?: boolean }, cmd: Command) =>
      runApply(configFrom(cmd), flags, output),
    );

  program
    .command('worker')
    .description('run a worker for the task queue (drains on SIGINT/SIGTERM)')
    .option('--data-dir <path>', 'directory for file-based job effects', '.data')
    .option('--database-url <url>', "jobs' PostgreSQL database (env DATABASE_URL; default: embedded)")
    .addOption(
      new Option('--grace <duration>', 'time in-flight activities get to finish on shutdown').default('30s'),
    )
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .action(async (flags: WorkerFlags, cmd: Command) => runWorker(configFrom(cmd), flags, output));

  devOptions(
    program
      .command('start')
      .description(
        'run everything locally: dev server, search attributes, example jobs, a worker, Web UI links',
      ),
  )
    .option('-f, --file <path>', 'jobs file to apply', 'examples/jobs.yaml')
    .option('--data-dir <path>', 'directory for file-based job effects', '.data')
    .option('--database-url <url>', "jobs' PostgreSQL database (env DATABASE_URL; default: embedded)")
    .option('--log-level <level>', 'worker log level: trace, debug, info, warn or error', 'warn')
    .action(async (flags: StartFlags, cmd: Command) => runStart(configFrom(cmd), flags, output));

  return program;
}

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
