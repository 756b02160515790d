/**
 * Benchmark 2, throughput: batches of M runs of three no-op steps, all started at once, with 1 and 2
 * worker processes; runs/s = completed runs / (last close - first start). durable-cron (its
 * `bench-three` job type on its worker pool) against a plain SDK worker running the same three no-op
 * activities in a workflow, and BullMQ on local Redis running three chained jobs per run. Memory of
 * every worker process is sampled meanwhile (benchmark 3).
 */
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { Queue } from 'bullmq';
import { scheduleOptionsFor } from '../../src/schedules/build';
import { mapConcurrent } from '../../src/schedules/rpc';
import type { WorkerLimits } from '../../src/worker/worker';
import { JOB_ID } from '../../src/search-attributes';
import type { StepData } from './bullmq-worker';
import type { BenchContext } from './context';
import { cpuSeconds } from './cpu';
import { measurementServer, withFreshContext } from './fresh-server';
import { MemorySampler, type MemoryResult } from './memory';
import { benchJobsFile, startOursPool } from './ours';
import { delay, startProcesses } from './processes';
import type { Check, Section } from './report';
import { ratio } from './stats';

/** The systems measured. */
export const SYSTEMS = ['durable-cron', 'raw SDK', 'BullMQ'] as const;
/** One of {@link SYSTEMS}. */
export type System = (typeof SYSTEMS)[number];

/** One batch's figures. */
export interface Batch {
  readonly runs: number;
  readonly completed: number;
  readonly seconds: number;
  readonly runsPerSecond: number;
  /** CPU ms the worker processes used per run during the batch (until its last run closed). */
  readonly workerCpuMsPerRun?: number;
  /** CPU ms the Temporal dev server used per run during the batch (Temporal systems only). */
  readonly serverCpuMsPerRun?: number;
}

/** One system with one process count. */
export interface ThroughputResult {
  readonly system: System;
  readonly processes: number;
  readonly batches: Batch[];
  readonly memory: MemoryResult;
}

/** Worker processes of one system, ready to run batches. */
export interface Workers {
  readonly pids: number[];
  stop(): Promise<void>;
  runBatch(batch: string): Promise<Batch>;
}

/** Polls `done` every 500 ms until it says true or `ms` passed. */
async function until(ms: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done()) && Date.now() < deadline) await delay(500);
}

function batchTimeoutMs(runs: number): number {
  return Math.max(120_000, runs * 200);
}

/** Starts `runs` workflows at once (64 starts in flight) tagged with `jobId = batch`, and measures them. */
async function temporalBatch(
  client: Client,
  runs: number,
  batch: string,
  start: (workflowId: string, attrs: SearchAttributePair[]) => [string, WorkflowStartOptions],
): Promise<Batch> {
  const ids = Array.from({ length: runs }, (_, i) => `${batch}-${i}`);
  await mapConcurrent(ids, 64, async (id) => {
    const [type, options] = start(id, [{ key: JOB_ID, value: batch }]);
    await client.workflow.start(type, options);
  });
  const query = `jobId = '${batch}'`;
  await until(batchTimeoutMs(runs), async () => {
    const { count } = await client.workflow.count(`${query} AND ExecutionStatus != 'Running'`);
    return count >= runs;
  });
  let first = Infinity;
  let last = 0;
  let completed = 0;
  for await (const wf of client.workflow.list({ query })) {
    first = Math.min(first, wf.startTime.getTime());
    if (wf.status.name === 'COMPLETED' && wf.closeTime) {
      completed++;
      last = Math.max(last, wf.closeTime.getTime());
    }
  }
  const seconds = (last - first) / 1000;
  return { runs, completed, seconds, runsPerSecond: completed / seconds };
}

async function oursWorkers(ctx: BenchContext, processes: number, limits?: WorkerLimits): Promise<Workers> {
  const taskQueue = `bench-tp-ours-${processes}`;
  const pool = await startOursPool(
    ctx.address,
    taskQueue,
    processes,
    ctx.bundles.ours,
    ctx.databaseUrl,
    limits,
  );
  const job = benchJobsFile('tp', 'bench-three', 1, 3600).jobs[0];
  if (!job) throw new Error('bench jobs file has no job');
  const action = scheduleOptionsFor(job, taskQueue).action;
  const attrs = (action.typedSearchAttributes ?? []) as SearchAttributePair[];
  return {
    ...pool,
    runBatch: (batch) =>
      temporalBatch(ctx.client, ctx.options.runs, batch, (workflowId, tag) => [
        action.workflowType as string,
        {
          workflowId,
          taskQueue,
          args: action.args as unknown[],
          workflowTaskTimeout: action.workflowTaskTimeout,
          typedSearchAttributes: [...attrs.filter((a) => a.key.name !== JOB_ID.name), ...tag],
        },
      ]),
  };
}

async function rawWorkers(ctx: BenchContext, processes: number): Promise<Workers> {
  const taskQueue = `bench-tp-raw-${processes}`;
  const procs = await startProcesses(
    require.resolve('./raw-worker'),
    { address: ctx.address, taskQueue, bundle: ctx.bundles.raw },
    processes,
  );
  return {
    ...procs,
    runBatch: (batch) =>
      temporalBatch(ctx.client, ctx.options.runs, batch, (workflowId, tag) => [
        'rawThree',
        { workflowId, taskQueue, typedSearchAttributes: tag },
      ]),
  };
}

function redisConnection(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

async function bullmqWorkers(ctx: BenchContext, processes: number): Promise<Workers> {
  const name = `bench-tp-${processes}-${Date.now()}`;
  const connection = redisConnection(ctx.options.redisUrl);
  const queue = new Queue<StepData & { batch: string }>(name, { connection });
  const procs = await startProcesses(
    require.resolve('./bullmq-worker'),
    { redisUrl: ctx.options.redisUrl, queue: name, concurrency: ctx.options.bullmqConcurrency },
    processes,
  );
  let doneSoFar = 0;
  return {
    pids: procs.pids,
    async stop() {
      await procs.stop();
      await queue.obliterate({ force: true });
      await queue.close();
    },
    async runBatch(batch) {
      const runs = ctx.options.runs;
      for (let i = 0; i < runs; i += 500) {
        const chunk = Array.from({ length: Math.min(500, runs - i) }, (_, k) => ({
          name: 'step',
          data: { batch, run: i + k, step: 1 },
        }));
        await queue.addBulk(chunk);
      }
      const target = doneSoFar + runs * 3;
      await until(batchTimeoutMs(runs), async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0) >= target;
      });
      doneSoFar = target;
      let first = Infinity;
      let last = 0;
      let completed = 0;
      for (const job of await queue.getJobs(['completed'], 0, -1)) {
        if (job.data.batch !== batch) continue;
        if (job.data.step === 1) first = Math.min(first, job.timestamp);
        if (job.data.step === 3) {
          completed++;
          last = Math.max(last, job.finishedOn ?? 0);
        }
      }
      const seconds = (last - first) / 1000;
      return { runs, completed, seconds, runsPerSecond: completed / seconds };
    },
  };
}

/**
 * Starts the worker processes of each system (all polling when it resolves); `limits` apply to
 * durable-cron's processes only.
 */
export const START: Record<
  System,
  (ctx: BenchContext, processes: number, limits?: WorkerLimits) => Promise<Workers>
> = {
  'durable-cron': oursWorkers,
  'raw SDK': rawWorkers,
  BullMQ: bullmqWorkers,
};

/** Sorts the raw SDK before durable-cron, leaving the others in place. */
function rank(x: System, y: System): number {
  const place = (s: System) => (s === 'raw SDK' ? 0 : s === 'durable-cron' ? 1 : 2);
  return place(x) - place(y);
}

/** Runs every batch of every system and process count; memory is sampled per configuration. */
export async function throughput(ctx: BenchContext, systems: readonly System[]): Promise<ThroughputResult[]> {
  const results: ThroughputResult[] = [];
  const { runs, batches, processes: counts } = ctx.options;
  ctx.log(
    `throughput: ${batches} batch(es) of ${runs} runs x 3 no-op steps per system and process count, each on ${measurementServer(ctx)}`,
  );
  for (const [index, processes] of counts.entries()) {
    // durable-cron and the raw SDK take turns going first, though each has a server of its own.
    const order = index % 2 === 0 ? systems : [...systems].sort((x, y) => rank(x, y));
    for (const system of order) {
      const measure = (c: BenchContext) => measureConfiguration(c, system, processes);
      results.push(
        system === 'BullMQ'
          ? await measure(ctx)
          : await withFreshContext(ctx, 'dev', `tp-${processes}`, measure),
      );
    }
  }
  return results;
}

/** Every batch of one system with one process count, on the server of `ctx`. */
async function measureConfiguration(
  ctx: BenchContext,
  system: System,
  processes: number,
): Promise<ThroughputResult> {
  const { batches } = ctx.options;
  const t0 = Date.now();
  const workers = await START[system](ctx, processes);
  ctx.log(
    `  ${system.padEnd(13)} ${processes} process(es) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const sampler = new MemorySampler(workers.pids);
  const done: Batch[] = [];
  const rssAfterBatchKb: number[][] = [];
  let peakKb: number[] = [];
  try {
    await delay(1_000);
    for (let b = 1; b <= batches; b++) {
      const tag = `tp-${system === 'durable-cron' ? 'ours' : system === 'raw SDK' ? 'raw' : 'bull'}-${processes}p-b${b}-${Date.now()}`;
      const serverPids = system === 'BullMQ' || ctx.serverPid === undefined ? [] : [ctx.serverPid];
      const cpu0 = { workers: cpuSeconds(workers.pids), server: cpuSeconds(serverPids) };
      const measured = await workers.runBatch(tag);
      const perRun = (seconds: number) => (seconds * 1000) / Math.max(measured.completed, 1);
      const batch: Batch = {
        ...measured,
        workerCpuMsPerRun: perRun(cpuSeconds(workers.pids) - cpu0.workers),
        ...(serverPids.length ? { serverCpuMsPerRun: perRun(cpuSeconds(serverPids) - cpu0.server) } : {}),
      };
      done.push(batch);
      await delay(2_000);
      rssAfterBatchKb.push(sampler.rssNow());
      ctx.log(
        `  ${system.padEnd(13)} ${processes} process(es) batch ${b}: ${batch.completed}/${batch.runs} runs in ${batch.seconds.toFixed(1)} s = ${batch.runsPerSecond.toFixed(1)} runs/s; CPU ms per run: workers ${batch.workerCpuMsPerRun?.toFixed(1)}, server ${batch.serverCpuMsPerRun?.toFixed(1) ?? '-'}`,
      );
    }
  } finally {
    peakKb = sampler.stop();
    await workers.stop();
  }
  return { system, processes, batches: done, memory: { system, processes, peakKb, rssAfterBatchKb } };
}

/** The last batch of a result (the warm one). */
export function lastBatch(r: ThroughputResult): Batch | undefined {
  return r.batches[r.batches.length - 1];
}

/** The report section of the throughput figures. */
export function throughputSection(ctx: BenchContext, results: readonly ThroughputResult[]): Section {
  const rate = (r: ThroughputResult | undefined) => (r ? (lastBatch(r)?.runsPerSecond ?? NaN) : NaN);
  const table = [
    [
      'system',
      'processes',
      'runs completed',
      'seconds',
      'runs/s',
      'durable-cron / this',
      'worker CPU ms/run',
      'server CPU ms/run',
    ],
  ];
  const checks: Check[] = [];
  for (const processes of ctx.options.processes) {
    const of = (s: System) => results.find((r) => r.system === s && r.processes === processes);
    const ours = rate(of('durable-cron'));
    for (const r of results.filter((x) => x.processes === processes)) {
      const b = lastBatch(r);
      table.push([
        r.system,
        String(processes),
        b ? `${b.completed}/${b.runs}` : '-',
        b ? b.seconds.toFixed(1) : '-',
        rate(r).toFixed(1),
        r.system === 'durable-cron' ? '' : ratio(ours, rate(r)),
        b?.workerCpuMsPerRun !== undefined ? b.workerCpuMsPerRun.toFixed(1) : '-',
        b?.serverCpuMsPerRun !== undefined ? b.serverCpuMsPerRun.toFixed(1) : '-',
      ]);
    }
    const vsRaw = ratio(ours, rate(of('raw SDK')));
    if (vsRaw !== 'n/a') {
      checks.push({
        what: `throughput durable-cron / raw SDK, ${processes} process(es)`,
        value: vsRaw,
        target: '>= 0.9',
        met: Number(vsRaw) >= 0.9,
      });
    }
    const vsBull = ratio(ours, rate(of('BullMQ')));
    if (vsBull !== 'n/a')
      ctx.log(
        `  ${processes} process(es): durable-cron / raw SDK ${vsRaw} (target >= 0.9), durable-cron / BullMQ ${vsBull} (no target)`,
      );
    const ours1 = results.find((r) => r.system === 'durable-cron' && r.processes === processes);
    if (ours1) {
      const completed = ours1.batches.reduce((n, b) => n + b.completed, 0);
      const started = ours1.batches.reduce((n, b) => n + b.runs, 0);
      checks.push({
        what: `durable-cron runs completed, ${processes} process(es), all batches`,
        value: `${completed}/${started}`,
        target: 'all',
        met: completed === started,
      });
    }
  }
  return {
    title: 'Throughput',
    table,
    checks,
    notes: [
      `${ctx.options.batches} consecutive batch(es) of ${ctx.options.runs} runs per row, each run three no-op steps in order, every run started at once (64 starts in flight; BullMQ: addBulk); runs/s = completed runs / (last close - first start) of the last batch (earlier batches are in the JSON report).`,
      "CPU ms per run: the CPU time (/proc user + system) the worker processes and the Temporal dev server used from the batch's first start until its last run closed (plus the moment it takes to see that), divided by the runs completed; on this 2-core machine a system whose workers and server together use about 2,000 CPU ms per second of batch is bound by the CPU.",
      ctx.options.servers === 'fresh'
        ? "Each Temporal row runs on a fresh dev server of its own (in memory), so no row pays for the runs an earlier one left in the server's store; durable-cron and the raw SDK still take turns going first from one process count to the next."
        : `Every Temporal row runs on ${measurementServer(ctx)}, so a later row pays for the runs an earlier one left in the server's store; durable-cron and the raw SDK take turns going first from one process count to the next.`,
      'durable-cron: its `bench-three` job type (the generic saga workflow, step interceptors, heartbeats) on its worker pool; raw SDK: a plain Worker running three no-op activities in a workflow; BullMQ: three chained jobs per run (each step adds the next before it completes), concurrency ' +
        `${ctx.options.bullmqConcurrency} per process.`,
      "What each guarantees at that speed: Temporal (durable-cron and raw SDK) records every step in the run's history on the server, so a run survives worker and server crashes and resumes where it was, and a workflow id (a fire) has exactly one run; BullMQ delivers each job at least once (a stalled job is retried, a crash between adding the next step and completing this one runs a step twice), keeps state only in Redis (lost on Redis data loss unless AOF with fsync), and has no per-fire dedupe unless job ids are set.",
    ],
    data: results.map(({ memory: _memory, ...r }) => r),
  };
}
