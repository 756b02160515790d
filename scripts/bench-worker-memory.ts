/**
 * `node dist/scripts/bench-worker-memory.js [--runs M] [--batches N] [--systems LIST] [--snapshots]`:
 * where a worker process's memory goes. Starts a dev server, then for each system (the raw SDK
 * baseline and durable-cron's worker pool, one process each, started exactly as the throughput
 * benchmark starts them) probes the worker process after it polls and after each batch of M runs
 * of three no-op steps: RSS, and `process.memoryUsage()` of the main thread and of the SDK's
 * workflow thread, before and after a forced GC (see bench/memory-probe.ts), plus heap snapshots
 * with `--snapshots`. Prints a table and writes everything to `<out>/worker-memory-<time>.json`.
 * Asserts nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySampler } from './bench/memory';
import type { ProbeReport, ThreadMemory } from './bench/memory-probe';
import { parseBenchArgs } from './bench/options';
import { delay } from './bench/processes';
import { withBenchContext } from './bench/setup';
import { START, SYSTEMS, type System } from './bench/throughput';

const USAGE = `node dist/scripts/bench-worker-memory.js [flags]
  --runs M          runs per batch (default 2000)
  --batches N       batches (default 2)
  --systems LIST    comma-separated: raw,ours (default raw,ours)
  --mid S           probe once S seconds into each batch too, 0 for never (default 40; the probe's
                    forced GC lowers the peak RSS that follows)
  --max-cached N    durable-cron's --max-cached-workflows (default: the SDK's default)
  --snapshots       also write V8 heap snapshots of every thread at every point (large, slow)
  --out DIR         report folder (default bench/results)`;

interface Options {
  readonly runs: number;
  readonly batches: number;
  readonly systems: readonly System[];
  readonly snapshots: boolean;
  readonly midSeconds: number;
  readonly maxCachedWorkflows: number | undefined;
  readonly out: string;
}

const SYSTEM_FLAGS: Record<string, System> = { raw: 'raw SDK', ours: 'durable-cron' };

function parseArgs(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  let snapshots = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--snapshots') snapshots = true;
    else if (['--runs', '--batches', '--systems', '--mid', '--max-cached', '--out'].includes(arg))
      values.set(arg.slice(2), argv[++i] ?? '');
    else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  const count = (flag: string, fallback: number, min = 1) => {
    const n = Number(values.get(flag) ?? fallback);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}`);
    return n;
  };
  const systems = (values.get('systems') ?? 'raw,ours').split(',').map((name) => {
    const system = SYSTEM_FLAGS[name];
    if (!system) throw new Error(`--systems: unknown system '${name}'; valid: raw, ours`);
    return system;
  });
  return {
    runs: count('runs', 2000),
    batches: count('batches', 2),
    systems,
    snapshots,
    midSeconds: count('mid', 40, 0),
    maxCachedWorkflows: values.has('max-cached') ? count('max-cached', 0, 0) : undefined,
    out: values.get('out') ?? 'bench/results',
  };
}

/** Asks the probe in `pid` for report `seq` and waits for its file. */
async function probe(dir: string, pid: number, seq: number): Promise<ProbeReport> {
  process.kill(pid, 'SIGWINCH');
  const file = join(dir, `${pid}-${seq}.json`);
  const deadline = Date.now() + 300_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no memory report ${file} after 300 s`);
    await delay(200);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
}

interface Point {
  readonly system: System;
  readonly point: string;
  readonly report: ProbeReport;
}

function row(p: Point): string[] {
  const main = p.report.threads.find((t) => t.threadId === 0);
  const others = p.report.threads.filter((t) => t.threadId !== 0);
  const sum = (ts: ThreadMemory[], pick: (t: ThreadMemory) => number | undefined) =>
    ts.reduce((n, t) => n + (pick(t) ?? 0), 0).toFixed(1);
  return [
    p.system,
    p.point,
    p.report.vmRssMb.toFixed(1),
    p.report.vmHwmMb.toFixed(1),
    main ? `${main.before.heapUsed} / ${main.afterGc.heapUsed}` : '-',
    main ? `${main.afterGc.external} / ${main.afterGc.arrayBuffers}` : '-',
    `${sum(others, (t) => t.before.heapUsed)} / ${sum(others, (t) => t.afterGc.heapUsed)}`,
    sum(others, (t) => t.afterGc.external),
    String(others.length),
  ];
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseArgs(argv);
  const probeDir = mkdtempSync(join(tmpdir(), 'durable-cron-worker-memory-'));
  // Every worker process forked from here loads the probe.
  process.env.DURABLE_CRON_MEMORY_PROBE_DIR = probeDir;
  if (options.snapshots) process.env.DURABLE_CRON_MEMORY_PROBE_SNAPSHOTS = '1';
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${require.resolve('./bench/memory-probe')}`;
  const points: Point[] = [];
  const peaks: { system: System; peakMb: number }[] = [];
  const benchOptions = parseBenchArgs([
    '--runs',
    String(options.runs),
    '--batches',
    String(options.batches),
    '--processes',
    '1',
  ]);
  await withBenchContext(benchOptions, async (ctx) => {
    for (const system of SYSTEMS.filter((s) => options.systems.includes(s))) {
      const workers = await START[system](ctx, 1, { maxCachedWorkflows: options.maxCachedWorkflows });
      const pid = workers.pids[0] ?? -1;
      const sampler = new MemorySampler([pid]);
      let seq = 0;
      try {
        await delay(1_000);
        points.push({ system, point: 'after start', report: await probe(probeDir, pid, ++seq) });
        for (let b = 1; b <= options.batches; b++) {
          const running = workers.runBatch(`wm-${system === 'raw SDK' ? 'raw' : 'ours'}-b${b}-${Date.now()}`);
          if (options.midSeconds > 0) {
            // Mid-batch: most runs are open, and the workflow cache holds them.
            await Promise.race([running, delay(options.midSeconds * 1000)]);
            const open = await ctx.client.workflow.count(`ExecutionStatus = 'Running'`);
            points.push({
              system,
              point: `batch ${b} at ${options.midSeconds} s (${open.count} runs open)`,
              report: await probe(probeDir, pid, ++seq),
            });
          }
          const batch = await running;
          console.log(
            `${system} batch ${b}: ${batch.completed}/${batch.runs} runs in ${batch.seconds.toFixed(1)} s`,
          );
          await delay(2_000);
          points.push({ system, point: `after batch ${b}`, report: await probe(probeDir, pid, ++seq) });
        }
      } finally {
        peaks.push({ system, peakMb: (sampler.stop()[0] ?? 0) / 1024 });
        await workers.stop();
      }
    }
  });
  const header = [
    'system',
    'point',
    'RSS MB',
    'peak RSS so far MB',
    'main heapUsed MB (before / after GC)',
    'main external / arrayBuffers MB',
    'workflow threads heapUsed MB (before / after GC)',
    'workflow threads external MB',
    'threads',
  ];
  const lines = [header, ...points.map(row)].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  console.log(lines.join('\n'));
  for (const p of peaks)
    console.log(`${p.system}: peak RSS (VmHWM, sampled every 250 ms) ${p.peakMb.toFixed(1)} MB`);
  mkdirSync(options.out, { recursive: true });
  const file = join(options.out, `worker-memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ argv, options, points, peaks }, null, 2));
  console.log(`wrote ${file}${options.snapshots ? `; heap snapshots in ${probeDir}` : ''}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
