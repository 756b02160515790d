/**
 * Scale curve of reading runs: the runs of one per-minute schedule's past fires, in growing windows
 * (e.g. 1,000 / 10,000 / 50,000 fires), each window then read as whole processes:
 * `durable-cron runs list --job … --all --json`, `durable-cron audit … --json` over the window and
 * over the year up to its end (525,600 fires, only the window's with runs) and, as the baseline, the
 * official `temporal workflow list --query` over the same runs. Wall time and peak RSS.
 */
import { join } from 'node:path';
import { quote, quoteTime } from '../../src/query';
import { fireWorkflowId } from '../../src/schedules/fire-runs';
import { mapConcurrent } from '../../src/schedules/rpc';
import { SCHEDULED_BY_ID, SCHEDULED_START_TIME } from '../../src/search-attributes';
import type { BenchContext } from './context';
import { delay } from './processes';
import type { Section } from './report';
import { ratio } from './stats';
import { median, timeProcess, type ProcessTiming } from './timed-process';

/** durable-cron's CLI as users run it (the package's `bin`). */
const BIN = join(__dirname, '..', '..', 'src', 'cli', 'bin.js');
const SCHEDULE_ID = 'scale-runs';
const TASK_QUEUE = 'bench-scale-runs';
/**
 * Whole-process runs per command and size (the median is reported): fewer for the large, slow
 * ones, and one in a quick run (a smoke check).
 */
const repeatsAt = (size: number, quick: boolean) => (quick || size > 10_000 ? 1 : 3);

/** The commands measured. */
export const RUNS_COMMANDS = [
  'durable-cron runs list',
  'temporal workflow list',
  'durable-cron audit',
  'durable-cron audit, 1-year window',
] as const;
const MINUTE = 60_000;
const YEAR_FIRES = 365 * 24 * 60;

/** One command over one window. */
export interface RunsPoint {
  readonly runs: number;
  readonly command: (typeof RUNS_COMMANDS)[number];
  /** Median wall seconds of the whole process. */
  readonly seconds: number;
  /** Largest peak RSS over the repeats, MB. */
  readonly peakRssMb: number;
  /** Runs printed (list commands) or fires audited (audit). */
  readonly rows: number;
}

/** What `audit --json` prints, the part checked here. */
interface AuditJson {
  expected: number;
  ranOnce: number;
  notExpectedCount: number;
  missing: unknown[];
  duplicates: unknown[];
  ok: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** Waits until visibility shows `count` runs of the schedule, printing progress; at most `timeoutMs`. */
async function waitVisible(ctx: BenchContext, count: number, timeoutMs: number): Promise<void> {
  const query = `TemporalScheduledById = ${quote(SCHEDULE_ID)}`;
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const { count: done } = await ctx.client.workflow.count(query);
    if (done !== last && (done >= count || done - last >= 2_000 || last < 0)) {
      ctx.log(`    ${done}/${count} runs visible`);
      last = done;
    }
    if (done >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${done} of ${count} runs visible after ${timeoutMs / 1000} s`);
    await delay(1_000);
  }
}

/**
 * Starts the runs of fires `from` … `to - 1` (t0 + k min) as the schedule would have: the workflow id
 * `<schedule id>-<fire time>` and the search attributes the scheduler sets on its runs. (Backfilling
 * them through the scheduler gives the same runs, at about 8 a second on the dev server.)
 */
async function fillRuns(ctx: BenchContext, from: number, to: number, t0: number): Promise<void> {
  const fires = Array.from({ length: to - from }, (_, i) => new Date(t0 + (from + i) * MINUTE));
  await mapConcurrent(fires, 32, async (fire) => {
    await ctx.client.workflow.start('benchScaleRun', {
      workflowId: fireWorkflowId(SCHEDULE_ID, fire),
      taskQueue: TASK_QUEUE,
      typedSearchAttributes: [
        { key: SCHEDULED_START_TIME, value: fire },
        { key: SCHEDULED_BY_ID, value: SCHEDULE_ID },
      ],
    });
  });
}

/** Runs the benchmark and returns its report section. */
export async function scaleRuns(ctx: BenchContext): Promise<Section> {
  const sizes = [...ctx.options.runsSizes].sort((a, b) => a - b);
  const largest = sizes.at(-1) ?? 0;
  ctx.log(
    `scale: runs list and audit over ${sizes.join(' / ')} runs of one schedule (one fire per minute, in the past)`,
  );
  // Fires at t0 + k min for k in [0, largest): far enough in the past that the whole window is settled.
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - (largest + 10) * MINUTE;
  const handle = await ctx.client.schedule.create({
    scheduleId: SCHEDULE_ID,
    spec: { intervals: [{ every: '1m' }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'benchScaleRun',
      workflowId: SCHEDULE_ID,
      taskQueue: TASK_QUEUE,
    },
    // Paused: it fires nothing itself; its past fires' runs are started below.
    state: { paused: true, note: 'durable-cron bench' },
  });
  const points: RunsPoint[] = [];
  try {
    let filled = 0;
    for (const size of sizes) {
      ctx.log(`  starting the runs of fires ${filled}..${size - 1}`);
      const started = Date.now();
      await fillRuns(ctx, filled, size, t0);
      await waitVisible(ctx, size, 120_000 + (size - filled) * 20);
      ctx.log(`    ${size - filled} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      filled = size;
      points.push(...(await measureWindow(ctx, size, t0)));
    }
  } finally {
    await handle.delete().catch(() => undefined);
  }
  return section(ctx, sizes, points);
}

async function measureWindow(ctx: BenchContext, size: number, t0: number): Promise<RunsPoint[]> {
  const from = iso(t0);
  const end = t0 + (size - 1) * MINUTE;
  const to = iso(end);
  const yearFrom = iso(end - (YEAR_FIRES - 1) * MINUTE);
  const address = ['--address', ctx.address];
  // Fires are whole seconds; visibility's stored datetimes need a padded range to compare (see fire-runs.ts).
  const query =
    `TemporalScheduledById = ${quote(SCHEDULE_ID)} AND TemporalScheduledStartTime >= ${quoteTime(new Date(t0 - 500))} ` +
    `AND TemporalScheduledStartTime <= ${quoteTime(new Date(end + 500))}`;
  const commands: Record<RunsPoint['command'], () => Promise<ProcessTiming>> = {
    'durable-cron runs list': () =>
      timeProcess(
        process.execPath,
        [
          BIN,
          'runs',
          'list',
          '--job',
          SCHEDULE_ID,
          '--fired-from',
          from,
          '--fired-to',
          to,
          '--all',
          '--json',
          ...address,
        ],
        (l) => l.startsWith('{'),
      ),
    'temporal workflow list': () =>
      timeProcess(ctx.temporalCli.path, ['workflow', 'list', '--query', query, ...address], (l) =>
        /^\s*(Running|Completed|Failed|Terminated|Canceled|TimedOut)\s/.test(l),
      ),
    'durable-cron audit': () =>
      timeProcess(
        process.execPath,
        [
          BIN,
          'audit',
          SCHEDULE_ID,
          '--from',
          from,
          '--to',
          to,
          '--include-before-creation',
          '--json',
          ...address,
        ],
        () => false,
        { keepStdout: true, okCodes: [0, 3] },
      ),
    // The year's earlier fires have no run and came before the schedule existed: not expected.
    'durable-cron audit, 1-year window': () =>
      timeProcess(
        process.execPath,
        [BIN, 'audit', SCHEDULE_ID, '--from', yearFrom, '--to', to, '--json', ...address],
        () => false,
        { keepStdout: true, okCodes: [0, 3] },
      ),
  };
  const points: RunsPoint[] = [];
  for (const command of RUNS_COMMANDS) {
    const timings: ProcessTiming[] = [];
    for (let i = 0; i < repeatsAt(size, ctx.options.quick); i++) timings.push(await commands[command]());
    let rows = timings[0]?.rows ?? 0;
    if (command.startsWith('durable-cron audit')) {
      const report = JSON.parse(timings[0]?.stdout ?? '{}') as AuditJson;
      rows = report.expected;
      const year = command !== 'durable-cron audit';
      const expected = year ? YEAR_FIRES : size;
      const notExpected = year ? YEAR_FIRES - size : 0;
      if (
        !report.ok ||
        report.expected !== expected ||
        report.ranOnce !== size ||
        report.notExpectedCount !== notExpected
      ) {
        throw new Error(
          `${command} over ${size} runs found expected ${report.expected}, ran once ${report.ranOnce}, ` +
            `not expected ${report.notExpectedCount}, missing ${report.missing.length}, duplicates ${report.duplicates.length}`,
        );
      }
    } else if (rows !== size) {
      throw new Error(`${command} printed ${rows} runs of the ${size} in the window`);
    }
    const point: RunsPoint = {
      runs: size,
      command,
      seconds: median(timings.map((t) => t.totalMs)) / 1000,
      peakRssMb: Math.max(...timings.map((t) => t.peakRssMb)),
      rows,
    };
    ctx.log(
      `  ${String(size).padStart(6)} runs  ${command.padEnd(34)} ${point.seconds.toFixed(2).padStart(7)} s  peak RSS ${point.peakRssMb.toFixed(0)} MB`,
    );
    points.push(point);
  }
  return points;
}

function section(ctx: BenchContext, sizes: readonly number[], points: readonly RunsPoint[]): Section {
  const at = (runs: number, command: RunsPoint['command']) =>
    points.find((p) => p.runs === runs && p.command === command) as RunsPoint;
  const table = [
    [
      'runs',
      ...RUNS_COMMANDS.map((c) => `${c} s / peak MB`),
      'runs list / temporal (time)',
      'audit / temporal (time)',
    ],
    ...sizes.map((runs) => [
      String(runs),
      ...RUNS_COMMANDS.map((c) => `${at(runs, c).seconds.toFixed(2)} / ${at(runs, c).peakRssMb.toFixed(0)}`),
      ratio(at(runs, 'durable-cron runs list').seconds, at(runs, 'temporal workflow list').seconds),
      ratio(at(runs, 'durable-cron audit').seconds, at(runs, 'temporal workflow list').seconds),
    ]),
  ];
  const small = sizes[0] ?? 0;
  const large = sizes.at(-1) ?? 0;
  const growth = (command: RunsPoint['command']) =>
    ratio(at(large, command).peakRssMb, at(small, command).peakRssMb);
  return {
    title: 'Scale: runs list and audit',
    table,
    checks: (
      ['durable-cron runs list', 'durable-cron audit', 'durable-cron audit, 1-year window'] as const
    ).map((command) => ({
      what: `${command} peak RSS at ${large} runs / at ${small} (streams: flat memory)`,
      value: growth(command),
      target: '<= 1.5',
      met: Number(growth(command)) <= 1.5,
    })),
    notes: [
      `One schedule firing every minute, paused; the runs of its past fires are started with the workflow ids and search attributes (TemporalScheduledById, TemporalScheduledStartTime) the scheduler gives its runs, because backfilling them through the scheduler goes at about 8 runs a second on the dev server. No worker serves them, so they stay open (Running): what is listed and audited is the same, and no worker competes for the CPU while the commands are timed. The windows are its first ${sizes.join(' / ')} fires; the 1-year window is the 525,600 fires of the year ending at the window's last fire, of which only the window's have runs (the earlier ones came before the schedule was created, so the audit counts them as not expected: it walks all 525,600).`,
      `Each command is a whole process, run 3 times per size up to 10,000 runs and once above (median wall time; peak RSS is the largest VmHWM seen): durable-cron through its package bin, \`runs list --job <id> --fired-from … --fired-to … --all --json\` \`audit <id> --from … --to … --include-before-creation --json\` and \`audit <id> --from <a year earlier> --to … --json\`; the baseline \`temporal workflow list --query\` (the official CLI, text output) with the same filter.`,
      'The bench checks every output: each list printed every run of the window, and each audit found every fire with a run exactly once (and, over the year, every other fire not expected).',
    ],
    data: { points },
  };
}
