/**
 * The command-line interface: argument parsing only. Each command calls one orchestration
 * function; nothing here touches Temporal directly. Each command's module is imported when the
 * command runs, so `runs list` loads neither the worker runtime nor the jobs-file parser.
 */
import { Command, Option } from 'commander';
import { configFrom } from './context';
import type { ApplyFlags } from './commands/apply';
import type { AuditFlags } from './commands/audit';
import type { BundleFlags } from './commands/bundle';
import type { CodecServerFlags } from './commands/codec-server';
import type { ClusterFlags } from './commands/cluster';
import type { DevFlags } from './commands/dev';
import type { InitFlags } from './commands/init';
import type { SetupFlags } from './commands/setup';
import type { StartFlags } from './commands/start';
import type { WorkerFlags } from './commands/worker';
import { LOG_FORMATS, LOG_LEVELS } from '../worker/log';
import { choiceArg, collectList, durationArg, integerArg, portArg } from './options';
import { registerRunsCommands } from './program-runs';
import { registerScheduleCommands } from './program-schedules';
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
    .option(
      '--codec-key-file <file>',
      'payload encryption keys, one id:base64 per line, newest first (env DURABLE_CRON_CODEC_KEY_FILE or DURABLE_CRON_CODEC_KEYS)',
    )
    .option('--config <path>', 'project config file (default: ./durable-cron.config.json when present)')
    // Connecting securely: TLS, mTLS, API keys (resolved in src/config-tls.ts).
    .option('--tls', "connect with TLS, trusting the system's CAs (env TEMPORAL_TLS=true)")
    .option('--no-tls', 'connect in plaintext even if the profile or environment turns TLS on')
    .option('--tls-ca <file>', 'PEM CA certificate(s) to trust (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)')
    .option('--tls-cert <file>', 'PEM client certificate for mTLS (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option(
      '--tls-server-name <name>',
      "name expected in the server's certificate (env TEMPORAL_TLS_SERVER_NAME)",
    )
    .option(
      '--api-key-file <file>',
      'file holding the API key, sent as a bearer token (env TEMPORAL_API_KEY)',
    )
    .option('--verbose', 'print stack traces on errors')
    .configureOutput({
      writeOut: (s) => output.out(s.trimEnd()),
      // Keeps "unknown command 'aply'" and its "(Did you mean apply?)" on one line.
      writeErr: (s) => output.err(s.trimEnd().replace(/\n(?=\(Did you mean )/, ' ')),
    })
    .exitOverride();

  const logLevels = LOG_LEVELS.map((l) => l.toLowerCase());
  const devOptions = (cmd: Command) =>
    cmd
      .option('--port <port>', 'gRPC port', portArg('--port'), 7233)
      .option('--ui-port <port>', 'Web UI port (default: port + 1000)', portArg('--ui-port'))
      .option('--db-file <path>', 'SQLite database file (default: .data/temporal.db)')
      .option('--in-memory', 'keep everything in memory (nothing survives a restart)')
      .option('--ip <ip>', 'IP to bind', '127.0.0.1')
      .option('--headless', 'no Web UI')
      .option(
        '--ui-codec-endpoint <url>',
        'codec server the Web UI decodes payloads with (durable-cron codec-server)',
      );

  devOptions(
    program
      .command('dev')
      .description('run the local Temporal dev server (builds the pinned Temporal CLI the first time)'),
  )
    .option('--detach', 'run in the background (pid file in .data/)')
    .option('--stop', 'stop a detached server started on --port')
    .option('--install-only', 'obtain the pinned Temporal CLI (build it if needed), print its path, and exit')
    .option('--json', 'print server details as JSON')
    .action(async (flags: DevFlags) => (await import('./commands/dev.js')).runDev(flags, output));

  program
    .command('cluster')
    .description(
      'run a two-node Temporal cluster on PostgreSQL on this machine (builds the pinned server the first time)',
    )
    .option('--name <name>', 'names the state dir (.data/cluster/<name>) and the databases', 'local')
    .option(
      '--postgres-url <url>',
      'PostgreSQL server (env DURABLE_CRON_CLUSTER_POSTGRES_URL; default: postgres://postgres@127.0.0.1:5432/postgres)',
    )
    .option('--port <port>', 'first port; node i uses 9 ports from port + 20*(i-1)', portArg('--port'), 7233)
    .option(
      '--retention <hours>',
      'retention of closed runs in the namespace',
      integerArg('--retention', 1, undefined, 'a whole number of hours ≥ 1'),
      72,
    )
    .option('--tls', 'serve mutual TLS with a generated CA and client certificate (in <state dir>/tls)')
    .option('--detach', 'run in the background (pid files in the state dir)')
    .option('--stop', 'stop the cluster started with this --name (detached, or in another shell)')
    .option('--drop-databases', "with --stop: also drop the cluster's databases")
    .option('--status', "print the cluster's addresses, pids and files")
    .option(
      '--install-only',
      'obtain the pinned server and SQL tool (build them if needed), print the path, and exit',
    )
    .option('--json', 'print details as JSON')
    .action(async (flags: ClusterFlags, cmd: Command) =>
      (await import('./commands/cluster.js')).runCluster(flags, configFrom(cmd).namespace, output),
    );

  program
    .command('init')
    .description(
      'create a project: package.json, an example job type (jobs/hello.ts) and its test, a jobs file, durable-cron.config.json',
    )
    .argument('[dir]', 'the project folder, created when missing (default: the current directory)')
    .option('--force', 'also in a folder that has files (existing files are kept, never overwritten)')
    .option(
      '--durable-cron <spec>',
      "the project's durable-cron dependency: a version range, or the path of a tarball or folder (default: ^<this version>)",
    )
    .option('--json', 'print what was created as JSON')
    .action(async (dir: string | undefined, flags: InitFlags) =>
      (await import('./commands/init.js')).runInit(dir, flags, output),
    );

  const jobsOption = () =>
    new Option(
      '--jobs <module or folder>',
      'your job types: a module or folder of modules made with defineJob (repeatable; default: "jobs" of durable-cron.config.json)',
    ).argParser(collectList);
  const fileOption = () =>
    new Option('-f, --file <path>', 'jobs file (YAML; default: "file" of durable-cron.config.json)');

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
    .addOption(jobsOption())
    .action(async (flags: SetupFlags, cmd: Command) =>
      (await import('./commands/setup.js')).runSetup(configFrom(cmd), flags, output, {
        // Loaded before anything changes: a module that fails to load stops setup here.
        migrations: (await import('./jobs.js')).jobModulesFrom(cmd).migrations,
      }),
    );

  program
    .command('validate')
    .description('check a jobs file and print every problem with its line')
    .addOption(fileOption())
    .addOption(jobsOption())
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) =>
      (await import('./commands/validate.js')).runValidate(flags, output, cmd),
    );

  program
    .command('job-types')
    .description(
      'list the job types the workers will have: built-in ones and those --jobs loads, with their steps',
    )
    .addOption(jobsOption())
    .option('--json', 'print the job types as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) =>
      (await import('./commands/job-types.js')).runJobTypes(flags, output, cmd),
    );

  program
    .command('apply')
    .description(
      'validate a jobs file, print the plan, then make Temporal match it: create missing schedules, ' +
        'update changed ones (and with --prune delete managed schedules the file no longer has)',
    )
    .addOption(fileOption())
    .addOption(jobsOption())
    .option('--dry-run', 'print the plan only; change nothing')
    .option('--prune', 'delete schedules durable-cron manages that the file no longer has')
    .option('--concurrency <n>', 'RPCs in flight at once (1-64)', integerArg('--concurrency', 1, 64), 8)
    .option('--json', 'print the plan and the changes as JSON')
    .action(async (flags: ApplyFlags, cmd: Command) =>
      (await import('./commands/apply.js')).runApply(configFrom(cmd), flags, output, cmd),
    );

  registerScheduleCommands(program, output);

  program
    .command('bundle')
    .description('build the workflow bundle of the job types ahead of time, for worker --workflow-bundle')
    .option('--out <file>', 'where to write the bundle (required)')
    .addOption(jobsOption())
    .option('--json', 'print what was written as JSON')
    .action(async (flags: BundleFlags, cmd: Command) =>
      (await import('./commands/bundle.js')).runBundle(flags, output, cmd),
    );

  program
    .command('worker')
    .description('run the worker pool: N processes polling the task queue (drains on SIGINT/SIGTERM)')
    .option(
      '--processes <n>',
      'worker processes (default: number of CPU cores)',
      integerArg('--processes', 1, 256),
    )
    .option(
      '--max-activities <n>',
      'steps (activities) each process runs at once',
      integerArg('--max-activities', 1, 100_000),
    )
    .option(
      '--max-workflows <n>',
      'workflow tasks each process handles at once',
      integerArg('--max-workflows', 2, 100_000),
    )
    .option(
      '--max-cached-workflows <n>',
      'workflows each process keeps cached',
      integerArg('--max-cached-workflows', 0, 100_000),
    )
    .option('--data-dir <path>', 'directory for file-based job effects', '.data')
    .option('--database-url <url>', "jobs' PostgreSQL database (env DATABASE_URL; default: embedded)")
    .addOption(
      new Option('--grace <duration>', 'time in-flight activities get to finish on shutdown, e.g. 30s, 2m')
        .argParser(durationArg('--grace'))
        .default(30_000, '30s'),
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus /metrics and /healthz on this port',
      integerArg('--metrics-port', 0, 65_535),
    )
    .option(
      '--workflow-bundle <file>',
      'use this bundle made by `durable-cron bundle` instead of bundling at start (env DURABLE_CRON_WORKFLOW_BUNDLE)',
    )
    .option(
      '--log-level <level>',
      'trace, debug, info, warn or error',
      choiceArg('--log-level', logLevels),
      'info',
    )
    .option(
      '--log-format <format>',
      'text (readable) or json (one object per line)',
      choiceArg('--log-format', LOG_FORMATS),
      'text',
    )
    .addOption(jobsOption())
    .option(
      '--allow-http <hosts>',
      'hosts the built-in http job type may call: host or host:port, comma-separated, * for any (default: none)',
    )
    .option('--allow-command', 'let the built-in command job type run programs on this worker (default: off)')
    .action(async (flags: WorkerFlags, cmd: Command) =>
      (await import('./commands/worker.js')).runWorker(configFrom(cmd), flags, output, cmd),
    );

  registerRunsCommands(program, output);

  program
    .command('audit')
    .description(
      'check that every fire time of a job in a window ran exactly once (exit 0 only when nothing is missing or doubled)',
    )
    .argument('<jobId>', 'job id (schedule id)')
    .requiredOption('--from <time>', 'window start: RFC 3339 or relative (24h = 24 hours ago)')
    .option('--to <time>', 'window end: RFC 3339 or relative (default: now)')
    .option('--backfill-missing', 'start the missing fires, exactly once each')
    .option('--include-before-creation', 'also expect fires from before the schedule was created')
    .option('--json', 'print the report as JSON')
    .action(async (jobId: string, flags: AuditFlags, cmd: Command) =>
      (await import('./commands/audit.js')).runAudit(configFrom(cmd), jobId, flags, output),
    );

  program
    .command('codec-server')
    .description(
      'serve the codec keys over HTTP (/encode, /decode) so the Web UI can show encrypted payloads',
    )
    .option('--port <port>', 'port (0: any free port)', portArg('--port', true), 8081)
    .option('--host <ip>', 'interface to bind', '127.0.0.1')
    .option('--ui-origin <url>', 'the one origin CORS admits (default: origin of --ui-url)')
    .option('--token-file <file>', 'require Authorization: Bearer <the token in this file>')
    .option('--json', 'print the server URL as JSON')
    .action(async (flags: CodecServerFlags, cmd: Command) =>
      (await import('./commands/codec-server.js')).runCodecServer(configFrom(cmd), flags, output),
    );

  devOptions(
    program
      .command('start')
      .description(
        'run everything locally: dev server, setup, your jobs file applied, a worker, each job fired once, Web UI links',
      ),
  )
    .addOption(fileOption())
    .addOption(jobsOption())
    .option('--data-dir <path>', 'directory for file-based job effects', '.data')
    .option('--database-url <url>', "jobs' PostgreSQL database (env DATABASE_URL; default: embedded)")
    .option(
      '--log-level <level>',
      'worker log level: trace, debug, info, warn or error',
      choiceArg('--log-level', logLevels),
      'error',
    )
    .option('--allow-http <hosts>', 'hosts the built-in http job type may call (comma-separated, * for any)')
    .option('--allow-command', 'let the built-in command job type run programs')
    .action(async (flags: StartFlags, cmd: Command) =>
      (await import('./commands/start.js')).runStart(configFrom(cmd), flags, output, cmd),
    );

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
