/**
 * `npm run bench:cli-startup [-- --runs 20] [--compare <file>]`: wall time of client-only CLI commands as whole
 * processes, against `node -e 0` (Node's own start-up) and the official `temporal` CLI doing the
 * same against the same fresh dev server. Each durable-cron command is timed through the `bin`
 * (bundles) and through the plain build (dist/src/cli/main.js), which is what every command ran
 * before the bundles. `--compare <file>` also times another build's CLI entry (e.g. an older
 * checkout's dist/src/cli/main.js). Uses hyperfine when installed, else a repeated-run timer of its own (said so
 * in the output). Prints mean and min per command and the ratios; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDevServer } from '../src/dev-server/dev-server';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';

const BIN = join(__dirname, '..', 'src', 'cli', 'bin.js');
const PLAIN = join(__dirname, '..', 'src', 'cli', 'main.js');
const JOB_ID = 'bench-startup';
const JOBS_FILE = `version: 1
jobs:
  - { id: ${JOB_ID}, type: http, customer: acme, env: bench, schedule: { cron: '0 * * * *' },
      input: { url: 'http://127.0.0.1:9/never' } }
`;

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  /** The `temporal` CLI command doing the same, when there is one. */
  readonly temporal?: readonly string[];
}

interface Timing {
  readonly meanMs: number;
  readonly minMs: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function hasHyperfine(): boolean {
  return spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Times `command` with hyperfine (`-N`: no shell in between), after 2 warm-up runs. */
function hyperfine(command: readonly string[], runs: number, cwd: string): Timing {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-cli-')), 'result.json');
  try {
    const ran = spawnSync(
      'hyperfine',
      ['-N', '--warmup', '2', '--runs', String(runs), '--export-json', out, command.map(quote).join(' ')],
      { cwd, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (ran.status !== 0) throw new Error(`hyperfine failed for: ${command.join(' ')}`);
    const [result] = (JSON.parse(readFileSync(out, 'utf8')) as { results: { mean: number; min: number }[] })
      .results;
    if (!result) throw new Error('hyperfine printed no result');
    return { meanMs: result.mean * 1000, minMs: result.min * 1000 };
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

/** The fallback timer: `runs` timed runs after 2 warm-up runs, each a fresh process. */
function repeated(command: readonly string[], runs: number, cwd: string): Timing {
  const [file, ...args] = command;
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const started = process.hrtime.bigint();
    const ran = spawnSync(file ?? '', args, { cwd, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ran.status !== 0) throw new Error(`exit ${ran.status}: ${command.join(' ')}`);
    if (i >= 2) times.push(ms);
  }
  return { meanMs: times.reduce((a, b) => a + b, 0) / times.length, minMs: Math.min(...times) };
}

function run(command: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): void {
  const [file, ...args] = command;
  const ran = spawnSync(file ?? '', args, { cwd, env, encoding: 'utf8' });
  if (ran.status !== 0) throw new Error(`${command.join(' ')} failed: ${ran.stderr.trim()}`);
}

function row(cells: readonly string[]): string {
  const widths = [34, 10, 10, 12, 14];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join(' ');
}

async function main(): Promise<void> {
  const runs = arg('runs', 20);
  const compare = process.argv.indexOf('--compare');
  const entries: [string, string][] = [
    ['bin', BIN],
    ['plain', PLAIN],
    ...(compare >= 0 ? [['compare', process.argv[compare + 1] ?? ''] as [string, string]] : []),
  ];
  const time = hasHyperfine() ? hyperfine : repeated;
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const server = await startDevServer({ cli, port: await freePort(), headless: true });
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-startup-'));
  try {
    const address = ['--address', server.address];
    writeFileSync(join(dir, 'jobs.yaml'), JOBS_FILE);
    // A namespace with durable-cron's search attributes and one schedule, for audit.
    run([process.execPath, PLAIN, ...address, 'setup', '--data-dir', join(dir, 'data')], dir);
    run([process.execPath, PLAIN, ...address, 'apply', '-f', 'jobs.yaml'], dir);

    const temporal = (...args: string[]) => [cli.path, ...args, '--address', server.address];
    const cases: Case[] = [
      { name: '--help', argv: ['--help'], temporal: [cli.path, '--help'] },
      {
        name: 'runs list --count',
        argv: [...address, 'runs', 'list', '--count'],
        temporal: temporal('workflow', 'count'),
      },
      {
        name: 'schedules list',
        argv: [...address, 'schedules', 'list'],
        temporal: temporal('schedule', 'list'),
      },
      { name: `audit ${JOB_ID} --from 1h`, argv: [...address, 'audit', JOB_ID, '--from', '1h'] },
      { name: 'validate -f jobs.yaml', argv: ['validate', '-f', 'jobs.yaml'] },
    ];

    console.log(
      `CLI start-up, wall time per whole process (${time === hyperfine ? 'hyperfine -N' : 'NO hyperfine: repeated-run timer of this script'}, ` +
        `${runs} runs after 2 warm-ups); Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    );
    const floor = time([process.execPath, '-e', '0'], runs, dir);
    console.log(`node -e 0: mean ${floor.meanMs.toFixed(0)} ms, min ${floor.minMs.toFixed(0)} ms\n`);
    console.log(row(['command', 'mean ms', 'min ms', '× node -e 0', '× temporal']));
    for (const c of cases) {
      const official = c.temporal && time(c.temporal, runs, dir);
      for (const [label, entry] of entries) {
        const t = time([process.execPath, entry, ...c.argv], runs, dir);
        console.log(
          row([
            `${c.name} (${label})`,
            t.meanMs.toFixed(0),
            t.minMs.toFixed(0),
            (t.meanMs / floor.meanMs).toFixed(1),
            official ? (t.meanMs / official.meanMs).toFixed(1) : '-',
          ]),
        );
      }
      if (official) {
        console.log(
          row([
            `  temporal ${c.temporal?.slice(1, 3).join(' ')}`,
            official.meanMs.toFixed(0),
            official.minMs.toFixed(0),
            (official.meanMs / floor.meanMs).toFixed(1),
            '1.0',
          ]),
        );
      }
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
