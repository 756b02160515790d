/**
 * `npm run chaos`: the promise under faults. Runs durable-cron (or, with `--baseline`, the classic
 * cron + Redis lock design) while worker processes are SIGKILLed and SIGSTOPped, the Temporal
 * server is killed and restarted on its database file, PostgreSQL restarts, and the pool does a
 * rolling restart; then checks every expected fire and every effect, and prints the figures.
 * Exit code 0 when nothing was lost or doubled and no effect is duplicated or left half-done,
 * 1 otherwise (the baseline's figures are a measurement: it exits 0 unless the harness failed).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/duration';
import { runBaselineChaos } from './chaos/baseline-run';
import { percentile } from './chaos/effects';
import { runProductChaos } from './chaos/product';
import { defaultChaosJobs, type ChaosResult, type ChaosSettings } from './chaos/shared';

const HELP = `Usage: npm run chaos -- [options]

Runs scheduled jobs under faults and proves (or disproves) that every fire ran exactly once.

Options:
  --duration D          how long faults are injected (default 10m; the short variant: 75s)
  --short               the short variant: --duration 75s --server-restarts 1 --no-postgres-restart
  --billing N           billing saga jobs, every 5 s; a quarter of them fail at sendInvoice (default 8)
  --reports N           generate-report jobs, every 10 s (default 4)
  --kill-interval D     mean time between worker faults (default 7s)
  --stop D              how long a SIGSTOPped worker stays stopped (default 9s: past the 5 s heartbeat timeout)
  --server-restarts N   SIGKILL + restart of the Temporal server (default 2)
  --server-down D       how long the server stays down before it is started again (default 1s, as a
                        process supervisor restarts it; 12s for a longer outage)
  --no-postgres-restart do not restart the machine's PostgreSQL (default: restart it once)
  --no-rolling-restart  skip the rolling restart of the pool
  --processes N         worker processes in the pool (default 3)
  --step-delay D        time each step takes (default 400ms)
  --overlap POLICY      overlap policy for every job (default: the product's default)
  --embedded            use the embedded database (npm start's default) instead of PostgreSQL
  --baseline            run the classic design instead: cron in every replica + a Redis lock per fire
  --lock-ttl D          the baseline's lock TTL (default 5s)
  --database-url URL    PostgreSQL server for the run's database (default postgres://postgres@127.0.0.1:5432/postgres)
  --seed N              seed of the fault pattern (default 1)
  --json FILE           also write the figures as JSON to FILE
  -h, --help            this help
`;

function duration(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`--${name}: '${text}' is not a duration (e.g. 30s, 10m)`);
  return ms;
}

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name}: '${text}' must be a whole number >= ${min}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      short: { type: 'boolean', default: false },
      billing: { type: 'string', default: '8' },
      reports: { type: 'string', default: '4' },
      'kill-interval': { type: 'string', default: '7s' },
      stop: { type: 'string', default: '9s' },
      'server-restarts': { type: 'string' },
      'server-down': { type: 'string', default: '1s' },
      'no-postgres-restart': { type: 'boolean', default: false },
      'no-rolling-restart': { type: 'boolean', default: false },
      processes: { type: 'string', default: '3' },
      'step-delay': { type: 'string', default: '400ms' },
      overlap: { type: 'string' },
      embedded: { type: 'boolean', default: false },
      baseline: { type: 'boolean', default: false },
      'lock-ttl': { type: 'string', default: '5s' },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const short = values.short;
  const settings: ChaosSettings = {
    jobs: defaultChaosJobs(integer('billing', values.billing, 0), integer('reports', values.reports, 0)),
    processes: integer('processes', values.processes, 1),
    stepDelayMs: duration('step-delay', values['step-delay']),
    embedded: values.embedded,
    databaseUrl: values['database-url'],
    overlap: values.overlap,
    settleMs: 180_000,
    plan: {
      durationMs: duration('duration', values.duration ?? (short ? '75s' : '10m')),
      killIntervalMs: duration('kill-interval', values['kill-interval']),
      stopMs: duration('stop', values.stop),
      serverRestarts: integer('server-restarts', values['server-restarts'] ?? (short ? '1' : '2'), 0),
      serverDownMs: duration('server-down', values['server-down']),
      restartPostgres: !short && !values['no-postgres-restart'] && !values.embedded,
      rollingRestart: !values['no-rolling-restart'],
      seed: integer('seed', values.seed, 0),
    },
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let result: ChaosResult;
  if (values.baseline) {
    result = await runBaselineChaos(settings, duration('lock-ttl', values['lock-ttl']), log);
  } else {
    result = await runProductChaos(settings, log);
  }
  printResult(result, settings);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ settings, result }, null, 2)}\n`);
  if (values.baseline) return 0;
  const e = result.effects;
  const broken =
    result.lost +
    result.doubled +
    result.failed +
    e.duplicateEffects +
    e.incompleteFires.length +
    e.notCompensated.length +
    e.orphanedReservations.length +
    e.effectsOfUnfinishedFires.length;
  return broken === 0 ? 0 : 1;
}

function printResult(r: ChaosResult, settings: ChaosSettings): void {
  const e = r.effects;
  const s = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(2)} s`);
  const rows: [string, string | number][] = [
    ['design', r.design],
    ['window', `${r.window.from} to ${r.window.to}`],
    ['jobs', settings.jobs.length],
    ['expected fires', r.expected],
    ['ran exactly once', r.ranOnce],
    ['lost', r.lost],
    ['doubled', r.doubled],
    ['skipped by policy', r.skippedByPolicy],
    ['failed (not compensated)', r.failed],
    ['compensated', r.compensated],
    ['duplicate effects', e.duplicateEffects],
    ['completed fires missing an effect', e.incompleteFires.length],
    ['failed fires not fully compensated', e.notCompensated.length],
    ['orphaned reservations', e.orphanedReservations.length],
    ['effects of fires that never finished', e.effectsOfUnfinishedFires.length],
    ['worker kills (SIGKILL)', r.faults.kills],
    ['worker stops (SIGSTOP)', r.faults.stops],
    ['server restarts', r.faults.serverRestarts],
    ['PostgreSQL restarts', r.faults.postgresRestarts],
    ['rolling restarts', r.faults.rollingRestarts],
    ['fire lag p50', s(percentile(e.lagSeconds, 50))],
    ['fire lag p99', s(percentile(e.lagSeconds, 99))],
    ['fire lag max', s(percentile(e.lagSeconds, 100))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  for (const [title, list] of [
    ['lost', r.details.missing],
    ['doubled', r.details.doubled],
    ['failed', r.details.failed],
  ] as const) {
    if (list.length > 0)
      process.stdout.write(`${title}: ${list.slice(0, 20).join(', ')}${list.length > 20 ? ', …' : ''}\n`);
  }
}

// Started by a test with an IPC channel in a process group of its own: when the test process dies
// (a runner's time limit kills it without clean-up), take the server and the pool down with us.
if (process.send !== undefined) {
  process.once('disconnect', () => {
    process.stderr.write('chaos: the parent process is gone; stopping everything\n');
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      process.exit(2);
    }
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
