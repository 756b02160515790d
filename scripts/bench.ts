/**
 * `npm run bench [-- --quick | --only NAMES | --schedules N ...]`: durable-cron's fire lag,
 * throughput, memory and scale curves (apply, runs list and audit, fire lag), each against a
 * baseline measured in the same run (on the dev server started here on a free port, or on fresh
 * ones). Prints every figure and ratio and writes bench/results/<time>.json and latest.md.
 * Asserts nothing; `--help` lists the flags.
 */
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DevServer } from '../src/dev-server/dev-server';
import { clientInterceptors } from '../src/connection';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';
import { installRuntime } from '../src/worker/runtime';
import { buildBundles, type Bundles } from './bench/bundles';
import { openBenchDatabase, type BenchDatabase } from './bench/ours';
import type { BenchContext } from './bench/context';
import { machine, versions } from './bench/environment';
import { fireLag } from './bench/fire-lag';
import { benchServerDescription, startBenchDevServer } from './bench/fresh-server';
import { memorySection } from './bench/memory';
import { BenchUsageError, parseBenchArgs, USAGE } from './bench/options';
import { checkLine, markdownTable, writeReport, type Section } from './bench/report';
import { scaleApply } from './bench/scale-apply';
import { scaleLag } from './bench/scale-lag';
import { scaleRuns } from './bench/scale-runs';
import { throughput, throughputSection, SYSTEMS, type System } from './bench/throughput';

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const options = parseBenchArgs(argv);
  if (!existsSync(require.resolve('./bench/jobs'))) throw new Error('build first: npm run build');
  const startedAt = new Date().toISOString();
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  installRuntime({ logLevel: 'WARN' });
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  // Bundling, the database and the server start side by side; whatever started is stopped at the end.
  const started = await Promise.allSettled([
    buildBundles(),
    openBenchDatabase(),
    startBenchDevServer(cli),
  ] as const);
  const [bundles, database, server] = started.map((r) =>
    r.status === 'fulfilled' ? r.value : undefined,
  ) as [Bundles | undefined, BenchDatabase | undefined, DevServer | undefined];
  try {
    const failed = started.find((r) => r.status === 'rejected');
    if (failed || !bundles || !database || !server) throw failed?.reason;
    // durable-cron's own interceptors: its retry policy, and RPC counts taken on the wire.
    const connection = await Connection.connect({
      address: server.address,
      interceptors: clientInterceptors(),
    });
    try {
      const ctx: BenchContext = {
        client: new Client({ connection }),
        temporalCli: cli,
        address: server.address,
        serverPid: server.pid,
        options,
        bundles,
        databaseUrl: database.databaseUrl,
        log: (line) => console.log(line),
      };
      await runAndReport(ctx, startedAt, command);
    } finally {
      await connection.close();
    }
  } finally {
    await server?.stop();
    await database?.close();
    bundles?.remove();
  }
}

/** Runs the selected benchmarks, prints the checks and writes the reports. */
async function runAndReport(ctx: BenchContext, startedAt: string, command: string): Promise<void> {
  const { options } = ctx;
  const runThroughput = options.only.includes('throughput');
  const systems: readonly System[] = runThroughput ? SYSTEMS : ['durable-cron'];
  const found = await versions(
    ctx.client,
    ctx.temporalCli.path,
    runThroughput ? options.redisUrl : undefined,
  );
  console.log(
    `${command}\n${JSON.stringify(machine())}\n${JSON.stringify(found)}\n${benchServerDescription(options.servers)}`,
  );
  const sections: Section[] = [];
  let paths: string[] = [];
  // The reports are rewritten after each benchmark, so a later failure keeps the figures so far.
  const add = (section: Section) => {
    sections.push(section);
    console.log(`\n${section.title}\n${markdownTable(section.table)}`);
    paths = writeReport(options.out, {
      startedAt,
      finishedAt: new Date().toISOString(),
      command,
      machine: machine(),
      versions: found,
      server: benchServerDescription(options.servers),
      options,
      sections,
    });
  };
  if (options.only.includes('fire-lag')) add(await fireLag(ctx));
  if (runThroughput || options.only.includes('memory')) {
    const results = await throughput(ctx, systems);
    if (runThroughput) add(throughputSection(ctx, results));
    if (options.only.includes('memory')) add(memorySection(results.map((r) => r.memory)));
  }
  if (options.only.includes('scale-apply')) add(await scaleApply(ctx));
  if (options.only.includes('scale-lag')) add(await scaleLag(ctx));
  // Last: it leaves thousands of open runs on the server.
  if (options.only.includes('scale-runs')) add(await scaleRuns(ctx));
  console.log('');
  for (const s of sections) for (const c of s.checks) console.log(checkLine(c));
  console.log(`\nwrote ${paths.join(' and ')}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof BenchUsageError) console.error(err.message);
  else console.error(err);
  process.exitCode = err instanceof BenchUsageError ? 2 : 1;
});
