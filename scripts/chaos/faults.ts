/**
 * Chaos harness only: the fault schedule. Every `killIntervalMs` (± a third, seeded) one fault hits
 * a live worker process: mostly SIGKILL, sometimes SIGSTOP for longer than a step's heartbeat
 * timeout (or a lock's TTL) and then SIGCONT. Server restarts, a PostgreSQL restart and a rolling
 * restart of the pool happen once each at fixed points of the run. Every wait is bounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What the faults act on. */
export interface FaultTargets {
  /** Live worker processes (victims of SIGKILL and SIGSTOP). */
  workerPids(): number[];
  /** SIGKILLs the scheduling server and starts it again on the same data; absent when the design has none. */
  restartServer?(): Promise<void>;
  /** SIGTERM → drain → start, for each worker process in turn. */
  rollingRestart(): Promise<void>;
  /** Restarts the machine's PostgreSQL server. */
  restartPostgres?(): Promise<void>;
}

/** The fault plan. */
export interface FaultPlan {
  readonly durationMs: number;
  readonly killIntervalMs: number;
  /** How long a stopped process stays stopped. */
  readonly stopMs: number;
  /** One fault in this many is a SIGSTOP instead of a SIGKILL. @default 4 */
  readonly stopEvery?: number;
  readonly serverRestarts: number;
  /** How long the server stays down on each restart. */
  readonly serverDownMs: number;
  readonly restartPostgres: boolean;
  readonly rollingRestart: boolean;
  readonly seed: number;
}

/** What the faults did. */
export interface FaultCounts {
  kills: number;
  stops: number;
  serverRestarts: number;
  postgresRestarts: number;
  rollingRestarts: number;
  /** One line per fault, with its offset from the start. */
  readonly log: string[];
}

/** A small seeded PRNG (mulberry32), so a run's fault pattern can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Runs the fault plan against `targets` until its duration is over. */
export async function runFaults(
  targets: FaultTargets,
  plan: FaultPlan,
  log: (line: string) => void,
): Promise<FaultCounts> {
  const random = seededRandom(plan.seed);
  const counts: FaultCounts = {
    kills: 0,
    stops: 0,
    serverRestarts: 0,
    postgresRestarts: 0,
    rollingRestarts: 0,
    log: [],
  };
  const started = Date.now();
  const note = (line: string) => {
    const entry = `+${((Date.now() - started) / 1000).toFixed(1)}s ${line}`;
    counts.log.push(entry);
    log(entry);
  };
  // Fixed points of the run, as fractions of its duration.
  const events: { at: number; run: () => Promise<void> }[] = [];
  if (targets.restartServer) {
    for (let i = 0; i < plan.serverRestarts; i += 1) {
      events.push({
        // Spread over the run: 1 restart at 40 %, 2 at 25 % and 65 %, …
        at:
          (0.25 + (0.4 * i) / Math.max(1, plan.serverRestarts - 1)) * plan.durationMs +
          (plan.serverRestarts === 1 ? 0.15 * plan.durationMs : 0),
        run: async () => {
          note('SIGKILL server');
          await targets.restartServer?.();
          counts.serverRestarts += 1;
          note('server restarted');
        },
      });
    }
  }
  if (plan.restartPostgres && targets.restartPostgres) {
    events.push({
      at: 0.55 * plan.durationMs,
      run: async () => {
        note('restart PostgreSQL');
        await targets.restartPostgres?.();
        counts.postgresRestarts += 1;
        note('PostgreSQL back');
      },
    });
  }
  if (plan.rollingRestart) {
    events.push({
      at: 0.85 * plan.durationMs,
      run: async () => {
        note('rolling restart of the pool');
        await targets.rollingRestart();
        counts.rollingRestarts += 1;
        note('rolling restart done');
      },
    });
  }
  events.sort((a, b) => a.at - b.at);

  const stopped = new Set<number>();
  const stopEvery = plan.stopEvery ?? 4;
  let fault = 0;
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      if (elapsed >= plan.durationMs) break;
      const next = events[0];
      if (next && elapsed >= next.at) {
        events.shift();
        await next.run();
        continue;
      }
      const wait = plan.killIntervalMs * (2 / 3 + (2 / 3) * random());
      await sleep(Math.min(wait, plan.durationMs - elapsed, next ? Math.max(0, next.at - elapsed) : wait));
      if (Date.now() - started >= plan.durationMs) break;
      if (next && Date.now() - started >= next.at) continue;
      const pids = targets.workerPids().filter((p) => !stopped.has(p));
      const pid = pids[Math.floor(random() * pids.length)];
      if (pid === undefined) continue;
      fault += 1;
      if (fault % stopEvery === 0) {
        if (!signal(pid, 'SIGSTOP')) continue;
        counts.stops += 1;
        stopped.add(pid);
        note(`SIGSTOP worker ${pid} for ${plan.stopMs} ms`);
        setTimeout(() => {
          signal(pid, 'SIGCONT');
          stopped.delete(pid);
        }, plan.stopMs).unref();
      } else if (signal(pid, 'SIGKILL')) {
        counts.kills += 1;
        note(`SIGKILL worker ${pid}`);
      }
    }
  } finally {
    // Nothing stays stopped once the faults end.
    for (const pid of stopped) signal(pid, 'SIGCONT');
  }
  return counts;
}
