/** Wiring of `durable-cron schedules <operation>`: argument parsing only. */
import type { Command } from 'commander';
import { configFrom } from './context';
import type { Output } from './output';

/** The schedules commands' module, imported when one of them runs. */
const schedulesCommands = () => import('./commands/schedules.js');

/** `durable-cron schedules ...`: operations on the schedules in the namespace. */
export function registerScheduleCommands(program: Command, output: Output): void {
  const schedules = program
    .command('schedules')
    .description('list, inspect, pause, unpause, trigger, backfill and delete schedules');

  schedules
    .command('list')
    .description('list the schedules durable-cron manages, with next fire time and last run status')
    .option('--customer <customer>', 'only this customer')
    .option('--env <env>', 'only this env')
    .option('--project <project>', 'only schedules of this project (the jobs file that applied them)')
    .option('--paused', 'only paused schedules')
    .option('--all', 'include schedules durable-cron did not create')
    .option('--json', 'print JSON')
    .action(
      async (
        flags: {
          customer?: string;
          env?: string;
          project?: string;
          paused?: boolean;
          all?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => (await schedulesCommands()).runSchedulesList(configFrom(cmd), flags, output),
    );

  schedules
    .command('describe <id>')
    .description('full spec, policies, state, the next 10 fire times and recent runs of a schedule')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      (await schedulesCommands()).runSchedulesDescribe(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('pause <id>')
    .description('pause a schedule (records when, for unpause --catch-up)')
    .option('--note <text>', 'why it is paused')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; json?: boolean }, cmd: Command) =>
      (await schedulesCommands()).runSchedulesPause(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('unpause <id>')
    .description('unpause a schedule; --catch-up runs each fire skipped while paused, exactly once')
    .option('--note <text>', 'note to leave on the schedule')
    .option('--catch-up', 'backfill the fire times skipped while paused that have no run')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; catchUp?: boolean; json?: boolean }, cmd: Command) =>
      (await schedulesCommands()).runSchedulesUnpause(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('trigger <id>')
    .description('run a schedule now')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      (await schedulesCommands()).runSchedulesTrigger(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('backfill <id>')
    .description(
      'run the fire times in [--from, --to] that have no run yet (exactly once); --force runs all of them',
    )
    .requiredOption('--from <time>', 'window start (inclusive): RFC 3339 or relative (24h = 24 hours ago)')
    .requiredOption('--to <time>', 'window end (inclusive): RFC 3339 or relative')
    .option('--force', 'also re-run fire times that already ran')
    .option('--dry-run', 'print what would run and what is skipped; start nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        flags: { from: string; to: string; force?: boolean; dryRun?: boolean; json?: boolean },
        cmd: Command,
      ) => (await schedulesCommands()).runSchedulesBackfill(configFrom(cmd), id, flags, output),
    );

  schedules
    .command('delete <id>')
    .description('delete a schedule (its past runs stay)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) =>
      (await schedulesCommands()).runSchedulesDelete(configFrom(cmd), id, flags, output),
    );
}
