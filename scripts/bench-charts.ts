/**
 * `npm run bench:charts [-- FILES...] [--out DIR]`: one SVG chart per section of the bench reports
 * (default: every bench/results/*.json; each section is taken from the newest report that has it,
 * since a full run may be split over several `--only` runs), written to docs/bench, with
 * results.md: every section picked, its tables, checks and notes, and the run it came from. Prints the files
 * written and the charts skipped for want of a section. Bad input: a one-line error naming the
 * file, exit code 2, nothing written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartInputError, newestSections } from './bench/chart-data';
import { loadReports, reportFiles, REPORTS_DIR } from './bench/chart-files';
import { renderCharts } from './bench/charts';
import { combinedMarkdown } from './bench/combined';

const USAGE = `npm run bench:charts [-- FILES...] [--out DIR]
  FILES      bench reports (default: every ${REPORTS_DIR}/*.json)
  --out DIR  folder the charts are written to (default docs/bench)`;

function parseArgs(argv: readonly string[]): { files: string[]; out: string } {
  const files: string[] = [];
  let out = 'docs/bench';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--out') {
      const dir = argv[++i];
      if (!dir) throw new ChartInputError('--out needs a folder');
      out = dir;
    } else if (arg.startsWith('--')) {
      throw new ChartInputError(`unknown flag ${arg}; valid: --out DIR, --help`);
    } else {
      files.push(arg);
    }
  }
  return { files, out };
}

function main(argv: readonly string[]): void {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const { files, out } = parseArgs(argv);
  const reports = loadReports(files.length ? files : reportFiles());
  // Every chart is rendered (and its data checked) before the first is written.
  const picked = newestSections(reports);
  const { charts, absent, unknown } = renderCharts(picked);
  if (charts.length) mkdirSync(out, { recursive: true });
  for (const chart of charts) {
    const path = join(out, chart.file);
    writeFileSync(path, chart.svg);
    console.log(`wrote ${path} ('${chart.from.section.title}' from ${chart.from.file})`);
  }
  const md = join(out, 'results.md');
  mkdirSync(out, { recursive: true });
  writeFileSync(md, combinedMarkdown(picked));
  console.log(`wrote ${md}`);
  for (const kind of absent) console.log(`skipped ${kind.file}: no '${kind.title}' section in the reports`);
  for (const p of unknown) console.log(`no chart for section '${p.section.title}' (${p.file})`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof ChartInputError)) throw e;
  console.error(`bench-charts: ${e.message}`);
  process.exitCode = 2;
}
