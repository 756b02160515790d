/**
 * `node dist/scripts/bench-burst.js [--schedules N] [--every S] [--wait S] [--system ours|raw|raw-local]`:
 * where a run's fire lag goes when many schedules fire at once. On a dev server started as the
 * bench does, one worker process of the system, N one-step schedules firing every S seconds; after
 * `wait` seconds it counts the runs open and closed, and reads the histories of up to 300 runs to
 * split their lag: fire time → workflow started (the server's schedulers), started → first workflow
 * task started (the workflow task queue), → activity scheduled, → activity started (the activity
 * task queue), and counts workflow tasks that timed out or failed. Prints figures; asserts nothing.
 */
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { createBaselineSchedules, startLagWorkers } from './bench/fire-lag';
import { fireTimeOfWorkflowId } from './bench/lag-record';
import { parseBenchArgs } from './bench/options';
import { applyBenchJobs, benchJobsFile } from './bench/ours';
import { delay } from './bench/processes';
import { withBenchContext } from './bench/setup';
import { percentiles } from './bench/stats';

const USAGE = `node dist/scripts/bench-burst.js [flags]
  --schedules N   schedules firing together (default 1000)
  --every S       seconds between fires (default 30)
  --wait S        seconds after the creates before counting (default 75)
  --system NAME   ours (durable-cron's pool and apply), raw (plain schedules and SDK worker), or
                  raw-local (the same with a local no-op activity before the activity); default ours`;

interface Options {
  readonly schedules: number;
  readonly every: number;
  readonly wait: number;
  readonly system: 'ours' | 'raw' | 'raw-local';
}

function parseArgs(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) values.set(argv[i] ?? '', argv[i + 1] ?? '');
  const int = (flag: string, fallback: number) => {
    const text = values.get(`--${flag}`);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got '${text}'`);
    return n;
  };
  for (const key of values.keys()) {
    if (!['--schedules', '--every', '--wait', '--system'].includes(key)) {
      throw new Error(`unknown flag ${key}; valid: --schedules, --every, --wait, --system`);
    }
  }
  const system = values.get('--system') ?? 'ours';
  if (system !== 'ours' && system !== 'raw' && system !== 'raw-local') {
    throw new Error(`--system must be ours, raw or raw-local, got '${system}'`);
  }
  return { schedules: int('schedules', 1000), every: int('every', 30), wait: int('wait', 75), system };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseArgs(argv);
  await withBenchContext(parseBenchArgs([]), async (ctx) => {
    const taskQueue = `burst-${options.system}`;
    const workers = await startLagWorkers(
      ctx,
      options.system === 'ours' ? 'durable-cron' : 'raw SDK',
      taskQueue,
      1,
    );
    try {
      const t0 = Date.now();
      if (options.system === 'ours') {
        const file = benchJobsFile('burst-ours', 'bench-one', options.schedules, options.every);
        await applyBenchJobs(ctx.client, file, taskQueue);
      } else {
        const ids = Array.from({ length: options.schedules }, (_, i) => `burst-raw-${i}`);
        const type = options.system === 'raw-local' ? 'rawOneAfterLocal' : 'rawOne';
        await createBaselineSchedules(ctx.client, ids, options.every, taskQueue, type);
      }
      const created = (Date.now() - t0) / 1000;
      console.log(`${options.system}: created ${options.schedules} schedules in ${created.toFixed(1)} s`);
      await delay(options.wait * 1000);
      const count = async (status: string) =>
        (await ctx.client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus ${status}`)).count;
      console.log(
        `${options.system}: ${options.wait} s after the creates: ${await count("= 'Running'")} runs open, ${await count("!= 'Running'")} closed`,
      );
      const gaps = new Map<string, number[]>();
      const add = (name: string, value: number) => gaps.set(name, [...(gaps.get(name) ?? []), value]);
      let read = 0;
      let timedOut = 0;
      let failed = 0;
      for await (const wf of ctx.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        if (read++ >= 300) break;
        const events =
          (await ctx.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()).events ?? [];
        const started = optionalTsToMs(events[0]?.eventTime) ?? 0;
        // Both systems' run ids end in the nominal fire time (the server appends it to a scheduled run's id).
        const fire = fireTimeOfWorkflowId(wf.workflowId);
        if (fire) add('fire time -> workflow started', started - fire.getTime());
        const at = (has: (e: (typeof events)[number]) => unknown) =>
          optionalTsToMs(events.find(has)?.eventTime);
        const taskStarted = at((e) => e.workflowTaskStartedEventAttributes);
        const activityScheduled = at((e) => e.activityTaskScheduledEventAttributes);
        const activityStarted = at((e) => e.activityTaskStartedEventAttributes);
        if (taskStarted !== undefined)
          add('workflow started -> first workflow task started', taskStarted - started);
        if (taskStarted !== undefined && activityScheduled !== undefined) {
          add('first workflow task started -> activity scheduled', activityScheduled - taskStarted);
        }
        if (activityScheduled !== undefined && activityStarted !== undefined) {
          add('activity scheduled -> activity started', activityStarted - activityScheduled);
        }
        timedOut += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
        failed += events.filter((e) => e.workflowTaskFailedEventAttributes).length;
      }
      console.log(
        `${options.system}: ${Math.min(read, 300)} histories read (newest first); workflow tasks timed out ${timedOut}, failed ${failed}`,
      );
      for (const [name, values] of gaps) {
        const p = percentiles(values);
        console.log(
          `  ${name.padEnd(52)} n ${String(values.length).padStart(3)}  p50 ${p[50]} ms  p90 ${p[90]} ms  max ${p[100]} ms`,
        );
      }
    } finally {
      await workers.stop();
    }
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
