/** The flags of `npm run bench`, their defaults, and the smaller `--quick` defaults. */

/** The benchmarks, in the order they run. */
export const BENCHMARKS = [
  'fire-lag',
  'throughput',
  'memory',
  'scale-apply',
  'scale-lag',
  'scale-runs',
] as const;
/** One benchmark's name. */
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Every parameter of a bench run. */
export interface BenchOptions {
  readonly only: readonly BenchmarkName[];
  readonly quick: boolean;
  /** Fire lag: schedules per system. */
  readonly schedules: number;
  /** Fire lag: seconds between fires of each schedule. */
  readonly every: number;
  /** Fire lag: seconds of fires measured per system. */
  readonly duration: number;
  /** Fire lag: worker processes per system. */
  readonly lagProcesses: number;
  /** Throughput: runs per batch. */
  readonly runs: number;
  /** Throughput: worker process counts measured. */
  readonly processes: readonly number[];
  /** Throughput: consecutive batches per configuration (throughput is the last one's). */
  readonly batches: number;
  /** Jobs each BullMQ worker process runs at once. */
  readonly bullmqConcurrency: number;
  readonly redisUrl: string;
  /** Scale: job counts `apply` is measured at. */
  readonly applySizes: readonly number[];
  /** Scale: where apply is measured: fresh dev servers, or fresh two-node clusters on PostgreSQL. */
  readonly applyServer: 'dev' | 'cluster';
  /**
   * Dev servers of the measurements: a fresh one each (nothing left by an earlier measurement), or
   * the run's one server for all of them, its schedules deleted after each (quicker; quick's default).
   */
  readonly servers: 'fresh' | 'shared';
  /** Scale: `apply`'s concurrency (and the raw SDK's parallel creates'). */
  readonly applyConcurrency: number;
  /** Scale: run counts `runs list` and `audit` are measured over. */
  readonly runsSizes: readonly number[];
  /** Scale: schedule counts the fire lag is measured at. */
  readonly lagSizes: readonly number[];
  /** Scale: seconds between fires in the fire-lag scale curve. */
  readonly scaleEvery: number;
  /** Scale: seconds of fires measured per size and system in the fire-lag scale curve. */
  readonly scaleDuration: number;
  /** Folder the reports are written to. */
  readonly out: string;
}

const FULL = {
  schedules: 300,
  every: 10,
  duration: 180,
  runs: 2000,
  processes: [1, 2],
  applySizes: [100, 1000, 5000],
  runsSizes: [1000, 10_000, 50_000],
  lagSizes: [100, 300, 1000],
  scaleEvery: 30,
  scaleDuration: 60,
  servers: 'fresh',
} as const;
const QUICK = {
  schedules: 20,
  every: 3,
  duration: 3,
  runs: 60,
  processes: [1],
  applySizes: [20, 100],
  runsSizes: [100, 500],
  lagSizes: [10, 30],
  scaleEvery: 3,
  scaleDuration: 3,
  servers: 'shared',
} as const;

/** Bad flags: the message names the flag and its valid values. */
export class BenchUsageError extends Error {}

/** The usage text printed by `--help`. */
export const USAGE = `npm run bench [-- flags]
  --only NAMES            comma-separated: ${BENCHMARKS.join(', ')} (default: all)
  --quick                 small sizes, the whole suite in under 3 minutes
  --schedules N           fire lag: schedules per system (default ${FULL.schedules}, quick ${QUICK.schedules})
  --every S               fire lag: seconds between fires (default ${FULL.every}, quick ${QUICK.every})
  --duration S            fire lag: seconds of fires measured per system (default ${FULL.duration}, quick ${QUICK.duration})
  --lag-processes N       fire lag: worker processes per system (default 1)
  --runs M                throughput: runs per batch (default ${FULL.runs}, quick ${QUICK.runs})
  --processes LIST        throughput: worker process counts, e.g. 1,2 (default ${FULL.processes.join(',')}, quick ${QUICK.processes.join(',')})
  --batches N             throughput: consecutive batches per configuration (default 2)
  --bullmq-concurrency N  jobs per BullMQ worker process at once (default 100)
  --redis URL             Redis for BullMQ (default redis://127.0.0.1:6379)
  --apply-sizes LIST      scale-apply: job counts (default ${FULL.applySizes.join(',')}, quick ${QUICK.applySizes.join(',')})
  --apply-server KIND     scale-apply: dev (fresh dev servers, default) or cluster (fresh two-node clusters on PostgreSQL)
  --servers KIND          dev servers: fresh (a new one per measurement; default) or shared (the run's one server,
                          its schedules deleted after each measurement; quick's default)
  --apply-concurrency N   scale-apply: apply's concurrency, and the raw SDK's parallel creates' (default 8)
  --runs-sizes LIST       scale-runs: runs listed and audited (default ${FULL.runsSizes.join(',')}, quick ${QUICK.runsSizes.join(',')})
  --lag-sizes LIST        scale-lag: schedules per system (default ${FULL.lagSizes.join(',')}, quick ${QUICK.lagSizes.join(',')})
  --scale-every S         scale-lag: seconds between fires (default ${FULL.scaleEvery}, quick ${QUICK.scaleEvery})
  --scale-duration S      scale-lag: seconds of fires measured per size and system (default ${FULL.scaleDuration}, quick ${QUICK.scaleDuration})
  --out DIR               report folder (default bench/results)`;

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1) {
    throw new BenchUsageError(`--${flag} must be a positive integer, got '${text ?? ''}'`);
  }
  return n;
}

function choice<T extends string>(flag: string, valid: readonly T[], text: string): T {
  if (!(valid as readonly string[]).includes(text)) {
    throw new BenchUsageError(`--${flag} must be ${valid.join(' or ')}, got '${text}'`);
  }
  return text as T;
}

/**
 * Parses the flags (argv without node and the script).
 * @throws {BenchUsageError} naming the flag and the valid values
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const base = quick ? QUICK : FULL;
  const values = new Map<string, string | undefined>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') continue;
    if (!arg.startsWith('--')) throw new BenchUsageError(`unexpected argument '${arg}'; flags: see --help`);
    values.set(arg.slice(2), argv[++i]);
  }
  const known = new Set([
    'only',
    'schedules',
    'every',
    'duration',
    'lag-processes',
    'runs',
    'processes',
    'batches',
    'bullmq-concurrency',
    'redis',
    'apply-sizes',
    'apply-concurrency',
    'apply-server',
    'servers',
    'runs-sizes',
    'lag-sizes',
    'scale-every',
    'scale-duration',
    'out',
  ]);
  for (const key of values.keys()) {
    if (!known.has(key))
      throw new BenchUsageError(`unknown flag --${key}; valid: --quick, --${[...known].join(', --')}`);
  }
  const int = (flag: string, fallback: number) =>
    values.has(flag) ? positiveInt(flag, values.get(flag)) : fallback;
  const only = values.has('only') ? (values.get('only') ?? '').split(',') : [...BENCHMARKS];
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new BenchUsageError(`--only: unknown benchmark '${name}'; valid: ${BENCHMARKS.join(', ')}`);
    }
  }
  const list = (flag: string, fallback: readonly number[]) =>
    values.has(flag) ? (values.get(flag) ?? '').split(',').map((p) => positiveInt(flag, p)) : fallback;
  const processes = list('processes', base.processes);
  return {
    only: only as BenchmarkName[],
    quick,
    schedules: int('schedules', base.schedules),
    every: int('every', base.every),
    duration: int('duration', base.duration),
    lagProcesses: int('lag-processes', 1),
    runs: int('runs', base.runs),
    processes,
    batches: int('batches', 2),
    bullmqConcurrency: int('bullmq-concurrency', 100),
    redisUrl: values.get('redis') ?? 'redis://127.0.0.1:6379',
    applySizes: list('apply-sizes', base.applySizes),
    applyServer: choice('apply-server', ['dev', 'cluster'], values.get('apply-server') ?? 'dev'),
    servers: choice('servers', ['fresh', 'shared'], values.get('servers') ?? base.servers),
    applyConcurrency: int('apply-concurrency', 8),
    runsSizes: list('runs-sizes', base.runsSizes),
    lagSizes: list('lag-sizes', base.lagSizes),
    scaleEvery: int('scale-every', base.scaleEvery),
    scaleDuration: int('scale-duration', base.scaleDuration),
    out: values.get('out') ?? 'bench/results',
  };
}
