/**
 * `npm run bench:audit [-- --runs 1000,10000,50000 --window-days 365 --compare <other bin.js>]`:
 * the memory of `durable-cron audit` as its window grows past its runs. (The bench's scale-runs
 * section audits exactly the window of its runs; this one also audits far longer windows.) On a
 * fresh dev server a paused per-minute schedule gets one run per fire, the newest a few minutes
 * ago, started with the ids and search attributes the scheduler gives its runs and left open (no
 * worker competes for the CPU). For each size in `--runs`, filled cumulatively backwards in time,
 * `audit` runs as a whole process over exactly those fires (`--include-before-creation`) and, with
 * `--window-days`, over that many days: every earlier fire then has no run and came before the
 * schedule existed, so the audit walks 1,440 fires a day and only counts those. `--compare` runs
 * another build's CLI entry (e.g. main's dist/src/cli/bin.js) on the same data. Prints wall time
 * and peak RSS (VmHWM); asserts nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer } from '../src/dev-server/dev-server';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';
import { quote } from '../src/query';
import { fireWorkflowId } from '../src/schedules/fire-runs';
import { mapConcurrent } from '../src/schedules/rpc';
import { SCHEDULED_BY_ID, SCHEDULED_START_TIME } from '../src/search-attributes';
import { installRuntime } from '../src/worker/runtime';
import { timeProcess } from './bench/timed-process';

/** durable-cron's CLI as users run it (the package's `bin`). */
const BIN = join(__dirname, '..', 'src', 'cli', 'bin.js');
const JOB = 'bench-audit';
const TASK_QUEUE = 'bench-audit';
const MINUTE = 60_000;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runSizes(): number[] {
  const text = flag('runs') ?? '1000,10000';
  const list = text.split(',').map(Number);
  if (list.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= (list[i - 1] ?? 0)))) {
    throw new Error(`--runs '${text}': expected ascending positive integers, e.g. 1000,10000,50000`);
  }
  return list;
}

/** The figures of `audit --json` shown; `notExpectedCount` is absent from builds before it existed. */
interface AuditJson {
  expected: number;
  ranOnce: number;
  notExpectedCount?: number;
  ok: boolean;
}

/** Starts the runs of fires `newest - k minutes` for k in [from, to) and waits until visibility shows them. */
async function fill(client: Client, newest: number, from: number, to: number): Promise<void> {
  const started = Date.now();
  const fires = Array.from({ length: to - from }, (_, i) => new Date(newest - (from + i) * MINUTE));
  await mapConcurrent(fires, 32, async (fire) => {
    await client.workflow.start('benchAuditRun', {
      workflowId: fireWorkflowId(JOB, fire),
      taskQueue: TASK_QUEUE,
      typedSearchAttributes: [
        { key: SCHEDULED_START_TIME, value: fire },
        { key: SCHEDULED_BY_ID, value: JOB },
      ],
    });
  });
  for (;;) {
    const { count } = await client.workflow.count(`TemporalScheduledById = ${quote(JOB)}`);
    if (count >= to) break;
    await new Promise((done) => setTimeout(done, 1_000));
  }
  console.error(`  ${to - from} runs started and visible in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function main(): Promise<void> {
  const sizes = runSizes();
  const days = flag('window-days');
  const windowDays = days === undefined ? undefined : Number(days);
  if (windowDays !== undefined && !(windowDays >= 1 && windowDays <= 366)) {
    throw new Error(`--window-days '${days}': expected a number of days from 1 to 366`);
  }
  const compare = flag('compare');
  if (compare !== undefined && !existsSync(compare)) throw new Error(`--compare ${compare}: no such file`);
  if (!existsSync(BIN)) throw new Error('build first: npm run build');
  const entries: [string, string][] = [['this build', BIN]];
  if (compare !== undefined) entries.push(['compared', compare]);

  installRuntime({ logLevel: 'WARN' });
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const server = await startDevServer({ cli, port: await freePort(), headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    await client.schedule.create({
      scheduleId: JOB,
      // An explicit offset, as `apply` writes it: earlier builds (--compare) misread an interval without one.
      spec: { intervals: [{ every: '1m', offset: 0 }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'benchAuditRun',
        taskQueue: TASK_QUEUE,
        workflowId: JOB,
      },
      state: { paused: true, note: 'durable-cron bench' },
    });
    // The newest fire a few minutes back, past the audit's settle margin.
    const newest = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;
    const to = new Date(newest).toISOString();
    console.log(`bench:audit: per-minute schedule '${JOB}', one run per fire, dev server ${server.address}`);
    const rows: string[] = [];
    let filled = 0;
    for (const size of sizes) {
      await fill(client, newest, filled, size);
      filled = size;
      const windows: [string, string[]][] = [
        [
          `${size} runs, their ${size} fires`,
          ['--from', new Date(newest - (size - 1) * MINUTE).toISOString(), '--include-before-creation'],
        ],
      ];
      if (windowDays !== undefined) {
        const from = new Date(newest - windowDays * 1_440 * MINUTE + MINUTE).toISOString();
        windows.push([`${size} runs, ${windowDays} days of fires`, ['--from', from]]);
      }
      for (const [what, args] of windows) {
        for (const [name, entry] of entries) {
          const t = await timeProcess(
            process.execPath,
            [entry, 'audit', JOB, ...args, '--to', to, '--json', '--address', server.address],
            () => false,
            { keepStdout: true, okCodes: [0, 3] },
          );
          const r = JSON.parse(t.stdout) as AuditJson;
          const row =
            `${what.padEnd(32)} ${name.padEnd(10)} peak RSS ${t.peakRssMb.toFixed(1).padStart(6)} MB  ` +
            `${(t.totalMs / 1000).toFixed(2).padStart(7)} s  expected ${r.expected}, ran once ${r.ranOnce}, ` +
            `not expected ${r.notExpectedCount ?? '-'}, ok ${r.ok}`;
          console.log(row);
          rows.push(row);
        }
      }
    }
    console.log(`\ndurable-cron audit, whole process (node ${process.version}):\n${rows.join('\n')}`);
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
