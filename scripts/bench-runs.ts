/**
 * `npm run bench:runs [-- --runs 10000 --customers 20]`: fills a fresh dev server with completed
 * runs, then measures `durable-cron runs list` against the official client
 * (`temporal workflow list --query`) with the same filter, in the same run: time to the first run
 * printed and to the whole stream for one customer, and the peak RSS of `runs list --all --json`
 * over every run. Prints figures and ratios; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { freePort, startDevServer } from '../src/dev-server/dev-server';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE } from '../src/search-attributes';
import { installRuntime } from '../src/worker/runtime';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

interface Timing {
  firstMs: number;
  totalMs: number;
  lines: number;
  peakRssMb: number;
}

/** Runs a command, timing the first line that looks like a run and the exit; samples peak RSS. */
function timed(command: string, args: string[], isRow: (line: string) => boolean): Promise<Timing> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let firstMs = -1;
    let lines = 0;
    let rest = '';
    let stderr = '';
    let peakKb = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+)/.exec(status);
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited
      }
    };
    const sampler = setInterval(sample, 20);
    child.stdout.on('data', (chunk: Buffer) => {
      sample();
      const text = rest + chunk.toString();
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (!isRow(line)) continue;
        if (firstMs < 0) firstMs = ms();
        lines++;
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) fail(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`));
      else done({ firstMs, totalMs: ms(), lines, peakRssMb: peakKb / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function fill(client: Client, address: string, runs: number, customers: number): Promise<void> {
  const taskQueue = 'bench';
  const connection = await NativeConnection.connect({ address });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./bench-workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: bundle,
    maxConcurrentWorkflowTaskExecutions: 200,
    maxCachedWorkflows: 0,
  });
  const started = Date.now();
  await worker.runUntil(async () => {
    let next = 0;
    const startOne = async (): Promise<void> => {
      while (next < runs) {
        const i = next++;
        const customer = `bench-customer-${i % customers}`;
        await client.workflow.start('benchNoop', {
          workflowId: `bench-${i}`,
          taskQueue,
          typedSearchAttributes: [
            { key: CUSTOMER, value: customer },
            { key: ENV, value: 'prod' },
            { key: JOB_ID, value: `bench-job-${i % customers}` },
            { key: JOB_TYPE, value: 'bench' },
          ],
        });
      }
    };
    await Promise.all(Array.from({ length: 64 }, startOne));
    for (;;) {
      const { count } = await client.workflow.count(`jobType = 'bench' AND ExecutionStatus = 'Completed'`);
      process.stderr.write(`\r  ${count}/${runs} runs completed`);
      if (count >= runs) break;
      await new Promise((done) => setTimeout(done, 1_000));
    }
  });
  await connection.close();
  process.stderr.write(`\n  created ${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function main(): Promise<void> {
  const runs = arg('runs', 10_000);
  const customers = arg('customers', 20);
  const repeats = arg('repeats', 5);
  if (!existsSync(CLI)) throw new Error('build first: npm run build');
  installRuntime({ logLevel: 'WARN' });
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const server = await startDevServer({ cli, port: await freePort(), headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    console.log(
      `bench:runs: ${runs} completed runs across ${customers} customers, dev server ${server.address}`,
    );
    await fill(client, server.address, runs, customers);
    const customer = 'bench-customer-3';
    const filter = `customer = '${customer}'`;
    const expected = (await client.workflow.count(filter)).count;
    const ours = ['runs', 'list', '--customer', customer, '--all', '--json', '--address', server.address];
    const theirs = ['workflow', 'list', '--query', filter, '--address', server.address];
    const oursRow = (l: string) => l.startsWith('{');
    const theirsRow = (l: string) => /^\s*(Running|Completed|Failed)\s/.test(l);
    const a: Timing[] = [];
    const b: Timing[] = [];
    for (let i = 0; i < repeats; i++) {
      a.push(await timed(process.execPath, [CLI, ...ours], oursRow));
      b.push(await timed(cli.path, theirs, theirsRow));
    }
    // Each tool's fixed cost (process start, connect) measured with a filter matching nothing.
    const none = `bench-nobody`;
    const a0: Timing[] = [];
    const b0: Timing[] = [];
    for (let i = 0; i < repeats; i++) {
      a0.push(
        await timed(
          process.execPath,
          [CLI, 'runs', 'list', '--customer', none, '--all', '--json', '--address', server.address],
          oursRow,
        ),
      );
      b0.push(
        await timed(
          cli.path,
          ['workflow', 'list', '--query', `customer = '${none}'`, '--address', server.address],
          theirsRow,
        ),
      );
    }
    const row = (name: string, t: Timing[]) =>
      `${name.padEnd(34)} first run ${median(t.map((x) => x.firstMs))
        .toFixed(0)
        .padStart(6)} ms   all ${median(t.map((x) => x.totalMs))
        .toFixed(0)
        .padStart(6)} ms   rows ${t[0]?.lines}`;
    console.log(`\nOne customer (${filter}, ${expected} runs), median of ${repeats}:`);
    console.log(row('durable-cron runs list --all --json', a));
    console.log(row('temporal workflow list --query', b));
    const fixedA = median(a0.map((x) => x.totalMs));
    const fixedB = median(b0.map((x) => x.totalMs));
    console.log(
      `fixed cost (empty result):        durable-cron ${fixedA.toFixed(0)} ms   temporal ${fixedB.toFixed(0)} ms`,
    );
    const ratio = (x: number, y: number) => (x / y).toFixed(2);
    const firstA = median(a.map((x) => x.firstMs));
    const firstB = median(b.map((x) => x.firstMs));
    const allA = median(a.map((x) => x.totalMs));
    const allB = median(b.map((x) => x.totalMs));
    console.log(
      `ratio durable-cron / temporal, whole process:  first run ${ratio(firstA, firstB)}   all ${ratio(allA, allB)}`,
    );
    console.log(
      `ratio without each tool's fixed cost:          first run ${ratio(firstA - fixedA, firstB - fixedB)}   all ${ratio(
        allA - fixedA,
        allB - fixedB,
      )}   (target <= 1.2)`,
    );

    const all = await timed(
      process.execPath,
      [CLI, 'runs', 'list', '--all', '--json', '--address', server.address],
      oursRow,
    );
    console.log(
      `\nruns list --all --json over ${all.lines} runs: ${all.totalMs.toFixed(0)} ms, peak RSS ${all.peakRssMb.toFixed(1)} MB (target < 150 MB)`,
    );
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
