/**
 * Benchmark 1, fire lag: N schedules firing every E seconds for D seconds; lag = the start of a
 * run's first activity (recorded inside it) minus the nominal fire time in the run's workflow id.
 * durable-cron (jobs applied with its apply, run by its worker pool) first, then the baseline (plain
 * schedules and a plain SDK worker with one no-op activity), one after the other, each on a fresh
 * dev server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { mapConcurrent } from '../../src/schedules/rpc';
import type { BenchContext } from './context';
import { measurementServer, withFreshContext } from './fresh-server';
import { LAG_FILE_ENV, readLagFile } from './lag-record';
import { applyBenchJobs, benchJobsFile, startOursPool } from './ours';
import { delay, startProcesses } from './processes';
import type { Section } from './report';
import { percentiles, ratio, summarize, type Summary } from './stats';

/** Length of the `-<RFC 3339 fire time>` suffix of a scheduled run's workflow id. */
const FIRE_SUFFIX = '-2026-12-01T11:05:44Z'.length;

/** Lag of one system. */
export interface LagResult {
  readonly system: string;
  readonly expected: number;
  readonly summary: Summary;
  /** Lag ms at p0, p1, …, p100 (nearest rank): the distribution, for charts. */
  readonly percentiles: number[];
}

/** The systems whose fire lag is measured. */
export type LagSystem = 'durable-cron' | 'raw SDK';

/** How many schedules fire how often, for how long. */
export interface LagSize {
  readonly schedules: number;
  /** Seconds between fires. */
  readonly every: number;
  /** Seconds of fires measured. */
  readonly duration: number;
  /** Distinguishes the task queues and schedule ids of one measurement from another's. */
  readonly tag: string;
}

interface Workers {
  stop(): Promise<void>;
}

/**
 * Measures one system: starts its workers, creates its schedules, lets the first fire pass (it
 * warms the workers up), records the fires of `duration` seconds, deletes the schedules, and waits
 * at most 60 s for the runs of the window to start.
 */
export async function measureLag(ctx: BenchContext, system: LagSystem, size: LagSize): Promise<LagResult> {
  const { schedules, every, duration, tag } = size;
  const { lagProcesses } = ctx.options;
  const taskQueue = `bench-lag-${system === 'raw SDK' ? 'raw' : 'ours'}-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-lag-'));
  const file = join(dir, 'lag.txt');
  // Worker processes inherit the variable when they are forked.
  process.env[LAG_FILE_ENV] = file;
  const workers = await startLagWorkers(ctx, system, taskQueue, lagProcesses);
  let ids: string[] = [];
  try {
    ctx.log(`  ${system}: creating ${schedules} schedules every ${every}s`);
    ids = await createSchedules(ctx, system, taskQueue, size);
    const everyMs = every * 1000;
    // Not measured: the fires until every schedule has run once. A new schedule's own workflow may
    // start well after the create call returned (the server works through hundreds of them), and the
    // first runs warm the workers up (each loads its workflow code on its first task).
    const created = Date.now();
    const warmDeadline = created + warmUpLimitMs(schedules);
    const warmed = () => new Set(readLagFile(file).map((r) => r.workflowId.slice(0, -FIRE_SUFFIX))).size;
    while (warmed() < schedules && Date.now() < warmDeadline) await delay(500);
    ctx.log(
      `  ${system}: ${warmed()}/${schedules} schedules had run ${((Date.now() - created) / 1000).toFixed(0)} s after creation`,
    );
    const from = Math.ceil((Date.now() + 1_000) / everyMs) * everyMs;
    const to = from + duration * 1000;
    const expected = schedules * Math.ceil(duration / every);
    ctx.log(`  ${system}: measuring fires ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
    await delay(to - Date.now() + 500);
    const inWindow = () =>
      readLagFile(file).filter((r) => r.fireTime.getTime() >= from && r.fireTime.getTime() < to);
    // The schedules stay until the window's runs started (at most 60 s more): deleting a schedule
    // drops the fires its scheduler has not started yet, which a busy server may still owe.
    const deadline = Date.now() + 60_000;
    while (inWindow().length < expected && Date.now() < deadline) await delay(500);
    const lags = inWindow().map((r) => r.startedMs - r.fireTime.getTime());
    return { system, expected, summary: summarize(lags), percentiles: percentiles(lags) };
  } finally {
    await deleteSchedules(ctx.client, ids);
    await workers.stop();
    delete process.env[LAG_FILE_ENV];
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The worker processes of a system polling `taskQueue`: durable-cron's pool, or the plain SDK worker. */
export function startLagWorkers(
  ctx: BenchContext,
  system: LagSystem,
  taskQueue: string,
  processes: number,
): Promise<Workers> {
  return system === 'durable-cron'
    ? startOursPool(ctx.address, taskQueue, processes, ctx.bundles.ours, ctx.databaseUrl)
    : startProcesses(
        require.resolve('./raw-worker'),
        { address: ctx.address, taskQueue, bundle: ctx.bundles.raw },
        processes,
      );
}

/** How long to wait for every new schedule to run once: 2 minutes, or 150 ms per schedule if longer. */
export function warmUpLimitMs(schedules: number): number {
  return Math.max(120_000, schedules * 150);
}

async function createSchedules(
  ctx: BenchContext,
  system: LagSystem,
  taskQueue: string,
  { schedules, every, tag }: LagSize,
): Promise<string[]> {
  if (system === 'durable-cron') {
    const file = benchJobsFile(`lag-ours-${tag}`, 'bench-one', schedules, every);
    await applyBenchJobs(ctx.client, file, taskQueue);
    return file.jobs.map((j) => j.id);
  }
  const ids = Array.from({ length: schedules }, (_, i) => `lag-raw-${tag}-${i}`);
  await createBaselineSchedules(ctx.client, ids, every, taskQueue);
  return ids;
}

/** The baseline's schedules: plain schedules starting the raw worker's one-activity workflow. */
export async function createBaselineSchedules(
  client: Client,
  ids: readonly string[],
  every: number,
  taskQueue: string,
  workflowType: 'rawOne' | 'rawOneAfterLocal' = 'rawOne',
): Promise<void> {
  await mapConcurrent(ids, 16, async (scheduleId) => {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${every}s` }] },
      action: { type: 'startWorkflow', workflowType, workflowId: scheduleId, taskQueue },
      // durable-cron's default: every fire starts a run. With the SDK's default (skip) a fire is
      // dropped while the schedule's previous run is open, so an overloaded baseline sheds fires.
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
  });
}

async function deleteSchedules(client: Client, ids: readonly string[]): Promise<void> {
  await mapConcurrent(ids, 16, async (id) => {
    await client.schedule.getHandle(id).delete();
  });
}

/** {@link measureLag} on a fresh dev server of its own (nothing left by an earlier measurement). */
export function measureLagFresh(ctx: BenchContext, system: LagSystem, size: LagSize): Promise<LagResult> {
  return withFreshContext(ctx, 'dev', `lag-${size.tag}`, (fresh) => measureLag(fresh, system, size));
}

/** Runs the benchmark and returns its report section. */
export async function fireLag(ctx: BenchContext): Promise<Section> {
  const { schedules, every, lagProcesses } = ctx.options;
  ctx.log(
    `fire lag: ${schedules} schedules every ${every}s for ${ctx.options.duration}s, ${lagProcesses} worker process(es) each`,
  );
  const size = { schedules, every, duration: ctx.options.duration, tag: 'main' };
  const ours = await measureLagFresh(ctx, 'durable-cron', size);
  const raw = await measureLagFresh(ctx, 'raw SDK', size);
  const row = (r: LagResult) => [
    r.system,
    `${r.summary.count}/${r.expected}`,
    ...[r.summary.p50, r.summary.p95, r.summary.p99, r.summary.max].map((v) => v.toFixed(0)),
  ];
  const p99Ratio = ratio(ours.summary.p99, raw.summary.p99);
  for (const r of [ours, raw]) {
    ctx.log(
      `  ${r.system.padEnd(13)} fires ${r.summary.count}/${r.expected}  lag ms p50 ${r.summary.p50} p95 ${r.summary.p95} p99 ${r.summary.p99} max ${r.summary.max}`,
    );
  }
  ctx.log(`  p99 durable-cron / raw SDK: ${p99Ratio} (target <= 1.1)`);
  return {
    title: 'Fire lag',
    table: [
      ['system', 'fires seen/expected', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      row(ours),
      row(raw),
      [
        'ratio durable-cron / raw SDK',
        '',
        ratio(ours.summary.p50, raw.summary.p50),
        ratio(ours.summary.p95, raw.summary.p95),
        p99Ratio,
        ratio(ours.summary.max, raw.summary.max),
      ],
    ],
    checks: [
      {
        what: 'fire lag p99 durable-cron / raw SDK',
        value: p99Ratio,
        target: '<= 1.1',
        met: Number(p99Ratio) <= 1.1,
      },
      {
        what: 'every fire ran (durable-cron)',
        value: `${ours.summary.count}/${ours.expected}`,
        target: 'all',
        met: ours.summary.count === ours.expected,
      },
    ],
    notes: [
      `${schedules} schedules per system firing every ${every} s, all at the same moments (a burst of ${schedules} starts every ${every} s, ${(schedules / every).toFixed(1)} fires/s on average), fires of ${ctx.options.duration} s measured; the systems run one after the other, each on ${measurementServer(ctx)}, with ${lagProcesses} worker process(es).`,
      'A system that cannot start and run the fires as fast as they come builds a backlog for the whole window: its lag then grows with the window and is no longer a fire lag; "fires seen" tells (fires of the window that had not started 60 s after it are missing from it).',
      `Fires are measured from the first fire after every schedule has run once (waiting at most ${Math.round(warmUpLimitMs(schedules) / 1000)} s after creation): a new schedule's own workflow may start well after the create call returns, and the first runs warm the workers up.`,
      "Lag = the first activity's start, recorded inside it (Date.now()), minus the nominal fire time at the end of the run's workflow id.",
      "durable-cron: a one-step job type applied with its apply and run by its worker pool; baseline: plain Temporal schedules and a plain SDK worker running one no-op activity. Both schedules start a run for every fire (overlap policy allow-all, durable-cron's default).",
    ],
    data: { ours, raw },
  };
}
