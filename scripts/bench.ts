/**
 * `npm run bench [-- --quick | --only NAMES | --schedules N ...]`: durable-cron's fire lag,
 * throughput, memory and scale curves (apply, runs list and audit, fire lag), each against a
 * baseline measured in the same run (on the dev server started here on a free port, or on fresh
 * ones). Prints every figure and ratio and writes bench/results/<time>.json and latest.md.
 * Asserts nothing; `--help` lists the flags.
 */
import { existsSync } from 'node:fs';
import type { BenchContext } from './bench/context';
import { machine, versions } from './bench/environment';
import { fireLag } from './bench/fire-lag';
import { benchServerDescription } from './bench/fresh-server';
import { memorySection } from './bench/memory';
import { BenchUsageError, parseBenchArgs, USAGE } from './bench/options';
import { checkLine, markdownTable, writeReport, type Section } from './bench/report';
import { scaleApply } from './bench/scale-apply';
import { scaleLag } from './bench/scale-lag';
import { scaleRuns } from './bench/scale-runs';
import { withBenchContext } from './bench/setup';
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
  await withBenchContext(options, (ctx) => runAndReport(ctx, startedAt, command));
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
