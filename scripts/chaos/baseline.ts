/**
 * The classic baseline the chaos comparison runs against durable-cron: a fleet of replica
 * processes (scripts/chaos/baseline-replica.ts), each running the same crons with a Redis lock
 * per fire. The fleet restarts a replica that dies unasked, as a container orchestrator would, and
 * can roll the fleet; the fault injector gets the live pids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Cron } from 'croner';
import type { BaselineJob, ReplicaSettings } from './baseline-settings';
import { CRON_MODE } from './cron-ticks';

export { baselineRuns, ensureBaselineTables, type BaselineRunRow } from './baseline-runs';
export { baselineLockKey, baselineWorkflowId, isoSeconds } from './baseline-settings';
export type { BaselineJob, ReplicaSettings } from './baseline-settings';

/** The compiled replica entry, next to this module in dist/scripts/chaos/. */
export const BASELINE_REPLICA_ENTRY = join(__dirname, 'baseline-replica.js');

/** Options of a {@link BaselineFleet}. */
export interface BaselineFleetOptions {
  /** Number of replica processes. */
  readonly replicas: number;
  /** Settings every replica gets; each also gets its slot number as `replica`. */
  readonly settings: Omit<ReplicaSettings, 'replica'>;
  /** Delay before a replica that died unasked is started again. @default 1000 */
  readonly restartDelayMs?: number;
  /** Receives fleet events and the replicas' output lines. @default replicas' stderr to ours */
  readonly log?: (line: string) => void;
  /** How long a replica may take to report ready. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** How long a replica may take to exit after SIGTERM before it is killed. @default 10000 */
  readonly stopTimeoutMs?: number;
}

interface Slot {
  readonly replica: number;
  child?: ChildProcess;
  /** The current child's exit was asked for: do not restart it. */
  exitAsked: boolean;
  restartTimer?: NodeJS.Timeout;
}

const isAlive = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

/** Resolves when `child` has exited, or after `timeoutMs`. @returns whether it exited */
function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isAlive(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Replica processes of the classic baseline.
 *
 * @example
 * const fleet = new BaselineFleet({ replicas: 3, settings });
 * await fleet.start();
 * process.kill(fleet.pids()[0]!, 'SIGKILL'); // restarted after restartDelayMs
 * await fleet.stop();
 */
export class BaselineFleet {
  private readonly slots: Slot[];
  private readonly restartDelayMs: number;
  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private stopping = false;

  /** @throws Error when `replicas` is not a positive integer */
  constructor(private readonly opts: BaselineFleetOptions) {
    if (!Number.isInteger(opts.replicas) || opts.replicas < 1) {
      throw new Error(`replicas must be a positive integer, got ${opts.replicas}`);
    }
    this.slots = Array.from({ length: opts.replicas }, (_, replica) => ({ replica, exitAsked: false }));
    this.restartDelayMs = opts.restartDelayMs ?? 1_000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  }

  /**
   * Starts every replica and waits until each has armed its crons.
   * @throws Error when the compiled replica is missing or a replica fails to start (all are stopped)
   */
  async start(): Promise<void> {
    if (!existsSync(BASELINE_REPLICA_ENTRY)) {
      throw new Error(`${BASELINE_REPLICA_ENTRY} not found: run 'npm run build' first`);
    }
    this.stopping = false;
    try {
      await Promise.all(this.slots.map((slot) => this.launch(slot)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Pids of the replicas alive now (a killed one is absent until it is restarted). */
  pids(): number[] {
    return this.slots.flatMap((s) => (isAlive(s.child) && s.child.pid !== undefined ? [s.child.pid] : []));
  }

  /**
   * Rolls the fleet: for each replica in turn, SIGTERM it, wait for it to exit (SIGKILL after
   * `stopTimeoutMs`), start a new one and wait until it is ready.
   */
  async rollingRestart(): Promise<void> {
    for (const slot of this.slots) {
      if (this.stopping) return;
      clearTimeout(slot.restartTimer);
      await this.terminate(slot);
      if (this.stopping) return;
      await this.launch(slot);
    }
  }

  /** Stops every replica: SIGTERM, up to `stopTimeoutMs` to exit, then SIGKILL. Never restarts them. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    await Promise.all(this.slots.map((slot) => this.terminate(slot)));
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** SIGTERMs a slot's replica and waits for it to exit, killing it after `stopTimeoutMs`. */
  private async terminate(slot: Slot): Promise<void> {
    const child = slot.child;
    if (!isAlive(child)) return;
    slot.exitAsked = true;
    child.kill('SIGTERM');
    // A replica the fault injector stopped handles SIGTERM only once it runs again.
    child.kill('SIGCONT');
    if (await exited(child, this.stopTimeoutMs)) return;
    this.log(
      `replica ${slot.replica} (pid ${child.pid}) ignored SIGTERM for ${this.stopTimeoutMs} ms: SIGKILL`,
    );
    child.kill('SIGKILL');
    await exited(child, 5_000);
  }

  /** Starts a slot's replica and waits until it reports ready. */
  private launch(slot: Slot): Promise<void> {
    const settings: ReplicaSettings = { ...this.opts.settings, replica: slot.replica };
    const forward = this.opts.log !== undefined;
    const child = spawn(process.execPath, [BASELINE_REPLICA_ENTRY, JSON.stringify(settings)], {
      stdio: ['ignore', forward ? 'pipe' : 'ignore', forward ? 'pipe' : 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.exitAsked = false;
    const prefix = `[baseline ${slot.replica} pid ${child.pid}]`;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.log(`${prefix} ${line}`));
    }
    child.on('exit', (code, signal) => this.onExit(slot, child, code, signal));

    return new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`baseline replica ${slot.replica} (pid ${child.pid}) ${why}`));
      };
      const timer = setTimeout(
        () => fail(`was not ready within ${this.readyTimeoutMs} ms`),
        this.readyTimeoutMs,
      );
      const onMessage = (message: unknown) => {
        if ((message as { type?: unknown } | null)?.type !== 'ready') return;
        cleanup();
        resolve();
      };
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
        fail(`exited before it was ready (${signal ?? `code ${code}`})`);
      const onError = (err: Error) => fail(`could not start: ${err.message}`);
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onEarlyExit);
        child.off('error', onError);
      };
      child.on('message', onMessage);
      child.once('exit', onEarlyExit);
      child.once('error', onError);
    });
  }

  /** A replica that dies unasked is started again after `restartDelayMs`. */
  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    const how = signal ?? `code ${code}`;
    if (slot.exitAsked || this.stopping) {
      this.log(`replica ${slot.replica} (pid ${child.pid}) exited (${how})`);
      return;
    }
    this.log(
      `replica ${slot.replica} (pid ${child.pid}) died (${how}); restarting in ${this.restartDelayMs} ms`,
    );
    slot.restartTimer = setTimeout(() => {
      if (this.stopping || isAlive(slot.child)) return;
      this.launch(slot).catch((err: unknown) =>
        this.log(
          `replica ${slot.replica} restart failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    }, this.restartDelayMs);
  }
}

/**
 * The fires the baseline should run in `[from, to)`: every job's pattern enumerated by croner
 * itself, sorted by fire time then job id.
 */
export function expectedBaselineFires(
  jobs: readonly Pick<BaselineJob, 'id' | 'cron' | 'timezone'>[],
  from: Date,
  to: Date,
): { jobId: string; fireTime: Date }[] {
  const fires: { jobId: string; fireTime: Date }[] = [];
  for (const job of jobs) {
    const pattern = new Cron(job.cron, { timezone: job.timezone ?? 'UTC', mode: CRON_MODE, paused: true });
    // nextRun is strictly after its reference: start just before `from` so `from` itself counts.
    let next = pattern.nextRun(new Date(from.getTime() - 1));
    while (next && next.getTime() < to.getTime()) {
      fires.push({ jobId: job.id, fireTime: next });
      next = pattern.nextRun(next);
    }
  }
  return fires.sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime() || a.jobId.localeCompare(b.jobId));
}
