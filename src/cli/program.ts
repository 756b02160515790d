/**
 * The command-line interface: argument parsing only. Each command calls one orchestration
 * function; nothing here touches Temporal directly.
 */
import { Command, Option } from 'commander';
import { configFrom } from './context';
import { runApply, runValidate, type ApplyFlags } from './commands/apply';
import {
  runSchedulesBackfill,
  runSchedulesDelete,
  runSchedulesDescribe,
  runSchedulesList,
  runSchedulesPause,
  runSchedulesTrigger,
  runSchedulesUnpause,
} from './commands/schedules';
import { runDev, type DevFlags } from './commands/dev';
import { runSetup } from './commands/setup';
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
    .action(async (flags: { json?: boolean }, cmd: Command) => runSetup(configFrom(cmd), flags, output));

  program
    .command('validate')
    .description('check a jobs file and print every problem with its line')
    .requiredOption('-f, --file <path>', 'jobs file (YAML)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { file: string; json?: boolean }) => runValidate(flags, output));

  program
    .command('apply')
    .description(
      'validate a jobs file, print the plan, then make Temporal match it: create missing schedules, ' +
        'update changed ones (and with --prune delete managed schedules the file no longer has)',
    )
    .requiredOption('-f, --file <path>', 'jobs file (YAML)')
    .option('--dry-run', 'print the plan only; change nothing')
    .option('--prune', 'delete schedules durable-cron manages that the file no longer has')
    .option('--concurrency <n>', 'RPCs in flight at once (1-64)', '8')
    .option('--json', 'print the plan and the changes as JSON')
    .action(async (flags: ApplyFlags, cmd: Command) => runApply(configFrom(cmd), flags, output));

  registerScheduleCommands(program, output);

  program
    .command('worker')
    .description('run a worker for the task queue (drains on SIGINT/SIGTERM)')
    .option('--data-dir <path>', 'directory for file-based job effects', '.data')
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
    .option('--log-level <level>', 'worker log level: trace, debug, info, warn or error', 'warn')
    .action(async (flags: StartFlags, cmd: Command) => runStart(configFrom(cmd), flags, output));

  return program;
}

/** `durable-cron schedules ...`: operations on the schedules in the namespace. */
function registerScheduleCommands(program: Command, output: Output): void {
  const schedules = program
    .command('schedules')
    .description('list, inspect, pause, unpause, trigger, backfill and delete schedules');

  schedules
    .command('list')
    .description('list the schedules durable-cron manages, with next fire time and last run status')
    .option('--customer <customer>', 'only this customer')
    .option('--env <env>', 'only this env')
    .option('--paused', 'only paused schedules')
    .option('--all', 'include schedules durable-cron did not create')
    .option('--json', 'print JSON')
    .action(
      async (
        flags: { customer?: string; env?: string; paused?: boolean; all?: boolean; json?: boolean },
        cmd: Command,
      ) => runSchedulesList(configFrom(cmd), flags, output),
    );

  schedules
    .command('describe <id>')
    .description('full spec, policies, state, the next 10 fire times and recent runs of a schedule')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      runSchedulesDescribe(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('pause <id>')
    .description('pause a schedule (records when, for unpause --catch-up)')
    .option('--note <text>', 'why it is paused')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; json?: boolean }, cmd: Command) =>
      runSchedulesPause(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('unpause <id>')
    .description('unpause a schedule; --catch-up runs each fire skipped while paused, exactly once')
    .option('--note <text>', 'note to leave on the schedule')
    .option('--catch-up', 'backfill the fire times skipped while paused that have no run')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; catchUp?: boolean; json?: boolean }, cmd: Command) =>
      runSchedulesUnpause(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('trigger <id>')
    .description('run a schedule now')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      runSchedulesTrigger(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('backfill <id>')
    .description(
      'run the fire times in [--from, --to] that have no run yet (exactly once); --force runs all of them',
    )
    .requiredOption('--from <time>', 'window start, RFC 3339 (inclusive)')
    .requiredOption('--to <time>', 'window end, RFC 3339 (inclusive)')
    .option('--force', 'also re-run fire times that already ran')
    .option('--dry-run', 'print what would run and what is skipped; start nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        flags: { from: string; to: string; force?: boolean; dryRun?: boolean; json?: boolean },
        cmd: Command,
      ) => runSchedulesBackfill(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('delete <id>')
    .description('delete a schedule (its past runs stay)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      runSchedulesDelete(configFrom(cmd), id, flags, output),
    );
}

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
