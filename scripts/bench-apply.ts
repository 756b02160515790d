/**
 * Benchmark of `apply` (npm run bench:apply [-- JOBS [CONCURRENCY]]): generated jobs against
 * dev servers this script starts on free ports (in memory, headless). Prints seconds and RPCs of
 *   1. the baseline: one-at-a-time sequential `create` of every schedule (fresh server),
 *   2. a fresh apply (another fresh server), 3. a re-apply of the unchanged file,
 *   4. a re-apply with 10% of the jobs changed,
 * and two ratios measured in this run: baseline / fresh apply (target >= 4x) and
 * no-change re-apply / fresh apply (target <= 0.25). Nothing is asserted.
 */
import { randomUUID } from 'node:crypto';
import type { SearchAttributePair } from '@temporalio/common';
import { resolveConfig } from '../src/config';
import { connectClient, type ConnectedClient } from '../src/connection';
import { freePort, startDevServer, type DevServer } from '../src/dev-server/dev-server';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';
import { parseJobsFile } from '../src/jobs/load';
import type { JobsFile } from '../src/jobs/schema';
import { executePlan } from '../src/schedules/apply';
import { encodeSync } from '../src/schedules/definition';
import { buildJobs, MANAGED_QUERY, planApply } from '../src/schedules/plan';
import { totalRpcs, type RpcCounts } from '../src/schedules/rpc';
import { ScheduleRpc } from '../src/schedules/schedule-rpc';
import { SCHEDULE_SYNC } from '../src/search-attributes';
import { shopRegistry } from '../test/helpers/jobs';

const JOBS = Number(process.argv[2] ?? process.env.BENCH_JOBS ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? process.env.BENCH_CONCURRENCY ?? 8);
const TASK_QUEUE = `bench-${randomUUID().slice(0, 8)}`;

function jobsText(count: number, changedEvery?: number): string {
  const lines = ['version: 1', 'defaults: {timezone: Europe/Berlin, catchupWindow: 10m}', 'jobs:'];
  for (let i = 0; i < count; i += 1) {
    const title = changedEvery !== undefined && i % changedEvery === 0 ? `Job ${i} v2` : `Job ${i}`;
    // Daily at a time spread over the day: nothing fires during the run.
    lines.push(
      `  - {id: bench-${i}, type: daily-summary, customer: c${i % 50}, env: ${i % 2 ? 'prod' : 'staging'}, ` +
        `schedule: {cron: "${i % 60} ${i % 24} * * *"}, input: {title: "${title}"}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Phase {
  readonly name: string;
  readonly seconds: number;
  readonly rpcs: number;
  readonly detail: string;
}

async function withServer<T>(body: (c: ConnectedClient) => Promise<T>): Promise<T> {
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const server: DevServer = await startDevServer({
    cli,
    port: await freePort(),
    uiPort: await freePort(),
    headless: true,
  });
  const connected = await connectClient(
    resolveConfig({ address: server.address, taskQueue: TASK_QUEUE }, {}),
  );
  try {
    return await body(connected);
  } finally {
    await connected.close();
    await server.stop();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await run();
  return [value, Number(process.hrtime.bigint() - started) / 1e9];
}

function countsText(c: RpcCounts): string {
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

async function baseline(file: JobsFile): Promise<Phase> {
  return withServer(async ({ client }) => {
    const built = [...buildJobs(file, TASK_QUEUE).values()];
    const [, seconds] = await timed(async () => {
      for (const b of built) {
        const attrs = (b.options.typedSearchAttributes ?? []) as SearchAttributePair[];
        await client.schedule.create({
          ...b.options,
          typedSearchAttributes: [...attrs, { key: SCHEDULE_SYNC, value: encodeSync({ hash: b.hash }) }],
        });
      }
    });
    return {
      name: 'baseline: sequential create',
      seconds,
      rpcs: built.length,
      detail: `create ${built.length}`,
    };
  });
}

async function applyPhase(client: ConnectedClient['client'], name: string, file: JobsFile): Promise<Phase> {
  const rpc = new ScheduleRpc(client);
  const [results, seconds] = await timed(async () => {
    const plan = await planApply(rpc, file, {
      taskQueue: TASK_QUEUE,
      project: 'bench',
      concurrency: CONCURRENCY,
    });
    return executePlan(rpc, plan, { concurrency: CONCURRENCY });
  });
  const failed = results.filter((r) => r.error !== undefined).length;
  return {
    name,
    seconds,
    rpcs: totalRpcs(rpc.counts),
    detail: `${countsText(rpc.counts) || 'none'}${failed ? `; ${failed} FAILED` : ''}`,
  };
}

async function main(): Promise<void> {
  const file = parseJobsFile(jobsText(JOBS), '<jobs file>', shopRegistry());
  const changed = parseJobsFile(jobsText(JOBS, 10), '<jobs file>', shopRegistry());
  console.log(`bench:apply: ${JOBS} jobs, concurrency ${CONCURRENCY}, dev servers in memory`);
  const phases: Phase[] = [await baseline(file)];
  await withServer(async (connected) => {
    phases.push(await applyPhase(connected.client, 'fresh apply', file));
    // Let the eventually consistent schedule list catch up, as it has by any later apply.
    for (let seen = 0; seen < JOBS;) {
      seen = 0;
      for await (const _ of connected.client.schedule.list({ query: MANAGED_QUERY })) seen += 1;
      if (seen < JOBS) await new Promise((done) => setTimeout(done, 500));
    }
    phases.push(await applyPhase(connected.client, 'no-change re-apply', file));
    phases.push(await applyPhase(connected.client, '10% changed', changed));
  });
  const width = Math.max(...phases.map((p) => p.name.length));
  for (const p of phases) {
    console.log(
      `${p.name.padEnd(width)}  ${p.seconds.toFixed(2).padStart(7)} s  ${String(p.rpcs).padStart(5)} RPCs  (${p.detail})`,
    );
  }
  const [seq, fresh, noop] = phases as [Phase, Phase, Phase, Phase];
  const speedup = seq.seconds / fresh.seconds;
  const noopRatio = noop.seconds / fresh.seconds;
  console.log(`fresh apply vs sequential create: ${speedup.toFixed(2)}x faster (target >= 4x)`);
  console.log(`no-change re-apply / fresh apply: ${noopRatio.toFixed(3)} of the time (target <= 0.25)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
