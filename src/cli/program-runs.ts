/** Wiring of `durable-cron runs <list|show>`: argument parsing only. */
import type { Command } from 'commander';
import type { RunsListFlags, RunsShowFlags } from './commands/runs';
import { configFrom } from './context';
import { RUN_STATUSES } from '../runs/filter';
import { choiceListArg, integerArg } from './options';
import type { Output } from './output';

/** The runs commands' module, imported when one of them runs. */
const runsCommands = () => import('./commands/runs.js');

/** `durable-cron runs ...`: what ran, for which customer, and how it went. */
export function registerRunsCommands(program: Command, output: Output): void {
  const runs = program
    .command('runs')
    .description('query runs: what ran, for which customer, and how it went');
  runs
    .command('list')
    .description('list runs matching typed filters, newest first, streamed page by page')
    .option('--customer <name>', 'customer search attribute')
    .option('--env <name>', 'env search attribute, e.g. prod')
    .option('--job <id>', 'job id (schedule id)')
    .option('--type <name>', 'job type')
    .option(
      '--status <status>',
      'running, completed, failed, canceled, terminated, timed-out or compensated (comma-separated or repeated for any of several)',
      choiceListArg('--status', RUN_STATUSES),
    )
    .option('--since <time>', 'started at or after: RFC 3339 (2026-11-20T00:00:00Z) or relative (24h, 7d)')
    .option('--until <time>', 'started at or before: RFC 3339 or relative')
    .option('--fired-from <time>', 'nominal fire time at or after: RFC 3339 or relative')
    .option('--fired-to <time>', 'nominal fire time at or before: RFC 3339 or relative')
    .option(
      '--query <filter>',
      'raw Temporal list filter, ANDed with the others (e.g. "WorkflowType = \'dailySummary\'")',
    )
    .option(
      '--limit <n>',
      'print at most this many runs',
      integerArg('--limit', 1, undefined, 'a positive integer (or use --all)'),
      50,
    )
    .option('--all', 'print every matching run (no limit)')
    .option('--json', 'a JSON array, one run object per line; the count line goes to stderr')
    .option('--csv', 'CSV with a header line; the count line goes to stderr')
    .option('--count', 'print only the number of matching runs (count API)')
    .action(async (flags: RunsListFlags, cmd: Command) =>
      (await runsCommands()).runRunsList(configFrom(cmd), flags, output),
    );
  runs
    .command('show')
    .description(
      'one run: status, fire time, customer/env, steps with attempts and errors, compensations, result',
    )
    .argument('<workflowId>', 'workflow id, e.g. nightly-report-2026-11-21T18:00:00Z')
    .option('--run-id <id>', 'a specific run (default: the latest)')
    .option('--json', 'print the run as JSON')
    .action(async (workflowId: string, flags: RunsShowFlags, cmd: Command) =>
      (await runsCommands()).runRunsShow(configFrom(cmd), workflowId, flags, output),
    );
}
