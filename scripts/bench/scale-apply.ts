/**
 * Scale curve of `apply`: for each job count, on fresh dev servers, (1) the baseline: the same
 * schedules created one at a time with the SDK, (2) the ceiling: the same creates with the raw SDK
 * in parallel at apply's concurrency, (3) a fresh apply, (4) a re-apply of the unchanged file,
 * (5) a re-apply with 10 % of the jobs changed. Seconds, RPCs by kind, and the CPU seconds the
 * dev server and this process spent in each phase (where the time goes). Every phase runs on a
 * connection with durable-cron's interceptors (its retry policy), and its RPCs are counted on the
 * wire, retries included.
 */
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { loadJobModules } from '../../src/job-types/modules';
import { parseJobsFile } from '../../src/jobs/load';
import type { JobsFile } from '../../src/jobs/schema';
import { executePlan } from '../../src/schedules/apply';
import { encodeSync } from '../../src/schedules/definition';
import { buildJobs, MANAGED_QUERY, planApply } from '../../src/schedules/plan';
import { countRpcs, mapConcurrent, newRpcCounts, totalRpcs } from '../../src/schedules/rpc';
import { ScheduleRpc } from '../../src/schedules/schedule-rpc';
import { SCHEDULE_SYNC } from '../../src/search-attributes';
import type { BenchContext } from './context';
import { cpuSeconds } from './cpu';
import { measurementServer, withFreshServer, type FreshServer } from './fresh-server';
import { BENCH_JOBS_MODULE } from './ours';
import { delay } from './processes';
import type { Section } from './report';
import { ratio } from './stats';

const TASK_QUEUE = 'bench-apply';

/** The phases measured at each size, in order. */
export const APPLY_PHASES = [
  'sequential create',
  'raw SDK parallel create',
  'fresh apply',
  'no-change re-apply',
  '10% changed',
] as const;

/** One phase at one size. */
export interface ApplyPoint {
  readonly jobs: number;
  readonly phase: (typeof APPLY_PHASES)[number];
  readonly seconds: number;
  readonly rpcs: number;
  readonly rpcCounts: Record<string, number>;
  /** CPU seconds (user + system) the dev server used during the phase. */
  readonly serverCpuSeconds: number;
  /** CPU seconds this process (the client side) used during the phase. */
  readonly clientCpuSeconds: number;
  /** Changes that failed (apply phases). */
  readonly failed: number;
}

/** A jobs file of `count` daily jobs spread over the day (nothing fires during the run). */
export function applyJobsFile(count: number, changedEvery?: number): JobsFile {
  const lines = [
    'version: 1',
    'project: bench',
    'defaults: {timezone: Europe/Berlin, catchupWindow: 10m}',
    'jobs:',
  ];
  for (let i = 0; i < count; i += 1) {
    const hour = changedEvery !== undefined && i % changedEvery === 0 ? (i + 7) % 24 : i % 24;
    lines.push(
      `  - {id: bench-${i}, type: bench-one, customer: c${i % 50}, env: ${i % 2 ? 'prod' : 'staging'}, ` +
        `schedule: {cron: "${i % 60} ${hour} * * *"}}`,
    );
  }
  const { registry } = loadJobModules([BENCH_JOBS_MODULE]);
  return parseJobsFile(`${lines.join('\n')}\n`, '<bench jobs>', registry);
}

async function phase(
  jobs: number,
  name: ApplyPoint['phase'],
  server: FreshServer,
  run: () => Promise<{ failed: number }>,
): Promise<ApplyPoint> {
  const serverCpu = () => cpuSeconds(server.pids);
  const server0 = serverCpu();
  const client0 = process.cpuUsage();
  const rpcCounts = newRpcCounts();
  const started = process.hrtime.bigint();
  const { failed } = await countRpcs(rpcCounts, run);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(client0);
  return {
    jobs,
    phase: name,
    seconds,
    rpcs: totalRpcs(rpcCounts),
    rpcCounts,
    serverCpuSeconds: serverCpu() - server0,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    failed,
  };
}

/** The schedules `apply` would create, as the SDK's create options (with apply's sync record). */
function createOptions(file: JobsFile) {
  return [...buildJobs(file, TASK_QUEUE).values()].map((b) => ({
    ...b.options,
    typedSearchAttributes: [
      ...((b.options.typedSearchAttributes ?? []) as SearchAttributePair[]),
      { key: SCHEDULE_SYNC, value: encodeSync({ hash: b.hash }) },
    ],
  }));
}

async function applyPhase(client: Client, file: JobsFile, concurrency: number): Promise<{ failed: number }> {
  const rpc = new ScheduleRpc(client);
  const plan = await planApply(rpc, file, { taskQueue: TASK_QUEUE, project: 'bench', concurrency });
  const results = await executePlan(rpc, plan, { concurrency });
  return { failed: results.filter((r) => r.error !== undefined).length };
}

/** Measures every phase at `jobs` jobs. */
async function measureSize(ctx: BenchContext, jobs: number): Promise<ApplyPoint[]> {
  const concurrency = ctx.options.applyConcurrency;
  const file = applyJobsFile(jobs);
  const changed = applyJobsFile(jobs, 10);
  const creates = createOptions(file);
  const points: ApplyPoint[] = [];
  const add = (p: ApplyPoint) => {
    points.push(p);
    ctx.log(
      `  ${String(jobs).padStart(5)} jobs  ${p.phase.padEnd(24)} ${p.seconds.toFixed(2).padStart(7)} s  ${String(p.rpcs).padStart(5)} RPCs  server CPU ${p.serverCpuSeconds.toFixed(1)} s  client CPU ${p.clientCpuSeconds.toFixed(1)} s${p.failed ? `  ${p.failed} FAILED` : ''}`,
    );
  };
  await withFreshServer(ctx, ctx.options.applyServer, `seq-${jobs}`, async (server) => {
    const { client } = server;
    add(
      await phase(jobs, 'sequential create', server, async () => {
        for (const options of creates) await client.schedule.create(options);
        return { failed: 0 };
      }),
    );
  });
  await withFreshServer(ctx, ctx.options.applyServer, `par-${jobs}`, async (server) => {
    const { client } = server;
    add(
      await phase(jobs, 'raw SDK parallel create', server, async () => {
        await mapConcurrent(creates, concurrency, async (options) => {
          await client.schedule.create(options);
        });
        return { failed: 0 };
      }),
    );
  });
  await withFreshServer(ctx, ctx.options.applyServer, `apply-${jobs}`, async (server) => {
    const { client } = server;
    add(await phase(jobs, 'fresh apply', server, () => applyPhase(client, file, concurrency)));
    // Let the eventually consistent schedule list catch up, as it has by any later apply (≤ 60 s).
    const deadline = Date.now() + 60_000;
    for (let seen = 0; seen < jobs && Date.now() < deadline;) {
      seen = 0;
      for await (const _ of client.schedule.list({ query: MANAGED_QUERY })) seen += 1;
      if (seen < jobs) await delay(500);
    }
    add(await phase(jobs, 'no-change re-apply', server, () => applyPhase(client, file, concurrency)));
    add(await phase(jobs, '10% changed', server, () => applyPhase(client, changed, concurrency)));
  });
  return points;
}

/** Runs the benchmark and returns its report section. */
export async function scaleApply(ctx: BenchContext): Promise<Section> {
  const { applySizes, applyConcurrency } = ctx.options;
  ctx.log(
    `scale: apply of ${applySizes.join(' / ')} jobs, concurrency ${applyConcurrency}, each phase on ${ctx.options.applyServer === 'cluster' ? 'a fresh two-node cluster' : measurementServer(ctx)}`,
  );
  const points: ApplyPoint[] = [];
  for (const jobs of applySizes) points.push(...(await measureSize(ctx, jobs)));
  const at = (jobs: number, name: ApplyPoint['phase']) =>
    points.find((p) => p.jobs === jobs && p.phase === name) as ApplyPoint;
  const table = [
    [
      'jobs',
      ...APPLY_PHASES.map((p) => `${p} s (RPCs)`),
      'sequential / fresh apply',
      'raw parallel / fresh apply',
      'no-change / fresh',
    ],
  ];
  for (const jobs of applySizes) {
    table.push([
      String(jobs),
      ...APPLY_PHASES.map((name) => `${at(jobs, name).seconds.toFixed(2)} (${at(jobs, name).rpcs})`),
      ratio(at(jobs, 'sequential create').seconds, at(jobs, 'fresh apply').seconds),
      ratio(at(jobs, 'raw SDK parallel create').seconds, at(jobs, 'fresh apply').seconds),
      ratio(at(jobs, 'no-change re-apply').seconds, at(jobs, 'fresh apply').seconds),
    ]);
  }
  const cpu = [['jobs', 'phase', 'wall s', 'server CPU s', 'client CPU s', 'RPCs by kind']];
  for (const p of points) {
    cpu.push([
      String(p.jobs),
      p.phase,
      p.seconds.toFixed(2),
      p.serverCpuSeconds.toFixed(1),
      p.clientCpuSeconds.toFixed(1),
      Object.entries(p.rpcCounts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
    ]);
  }
  const checked = applySizes.includes(1000) ? 1000 : (applySizes.at(-1) ?? 0);
  const speedup = ratio(at(checked, 'sequential create').seconds, at(checked, 'fresh apply').seconds);
  const ceiling = ratio(
    at(checked, 'sequential create').seconds,
    at(checked, 'raw SDK parallel create').seconds,
  );
  const noop = ratio(at(checked, 'no-change re-apply').seconds, at(checked, 'fresh apply').seconds);
  return {
    title: ctx.options.applyServer === 'cluster' ? 'Scale: apply (cluster)' : 'Scale: apply',
    table,
    checks: [
      {
        what: `fresh apply of ${checked} jobs vs sequential create`,
        value: `${speedup}x`,
        target: '>= 4x',
        met: Number(speedup) >= 4,
      },
      {
        what: `raw SDK parallel create of ${checked} (the server's ceiling) vs sequential`,
        value: `${ceiling}x`,
        target: 'reference',
        met: true,
      },
      {
        what: `no-change re-apply / fresh apply (${checked} jobs)`,
        value: noop,
        target: '<= 0.25',
        met: Number(noop) <= 0.25,
      },
      ...applySizes.map((jobs) => {
        const failed = APPLY_PHASES.reduce((n, name) => n + at(jobs, name).failed, 0);
        return {
          what: `apply changes failed at ${jobs} jobs`,
          value: String(failed),
          target: '0',
          met: failed === 0,
        };
      }),
    ],
    notes: [
      `Each of sequential create, raw SDK parallel create and fresh apply runs on its own fresh ${ctx.options.applyServer === 'cluster' ? "two-node cluster (temporal-server on the local PostgreSQL, new databases each time; PostgreSQL's own CPU is not counted as server CPU)" : 'dev server (in memory)'}; the two re-applies follow the fresh apply on its server. Apply and the parallel creates use concurrency ${applyConcurrency}.`,
      'Jobs are daily crons spread over the day, so nothing fires while the bench runs; 10% changed moves the hour of every tenth job.',
      "Server CPU is the dev server process's user + system time during the phase (/proc), client CPU this process's: a phase whose server CPU is close to its wall time on this 2-core machine is bound by the server.",
    ],
    tables: [{ title: 'Where the time went, per phase', rows: cpu }],
    data: { points },
  };
}
