/** The flags of `npm run bench`, their defaults, and the smaller `--quick` defaults. */

/** The benchmarks, in the order they run. */
export const BENCHMARKS = ['fire-lag', 'throughput', 'memory'] as const;
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
  /** Folder the reports are written to. */
  readonly out: string;
}

const FULL = { schedules: 300, every: 10, duration: 180, runs: 2000 };
const QUICK = { schedules: 30, every: 5, duration: 10, runs: 100 };

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
  --processes LIST        throughput: worker process counts, e.g. 1,2 (default 1,2)
  --batches N             throughput: consecutive batches per configuration (default 2)
  --bullmq-concurrency N  jobs per BullMQ worker process at once (default 100)
  --redis URL             Redis for BullMQ (default redis://127.0.0.1:6379)
  --out DIR               report folder (default bench/results)`;

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1) {
    throw new BenchUsageError(`--${flag} must be a positive integer, got '${text ?? ''}'`);
  }
  return n;
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
  const processes = values.has('processes')
    ? (values.get('processes') ?? '').split(',').map((p) => positiveInt('processes', p))
    : [1, 2];
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
    out: values.get('out') ?? 'bench/results',
  };
}
