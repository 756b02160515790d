/**
 * Keeping N worker processes alive: each slot runs one forked process; a process that dies
 * without being asked to is restarted after a backoff that only grows while processes fail before
 * they poll (1 s, doubling up to 30 s): a process that was polling and dies (killed, out of memory)
 * is replaced after the first step, so a pool losing processes to crashes stays at full strength.
 * A process that drained on its own SIGTERM (exit code 0, e.g. a rolling restart) is replaced at
 * once. The reason a process died is logged. Draining asks every process to
 * stop and waits for all of them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '@temporalio/common';
import type { FromProcess, StartMessage, ToProcess } from './pool-messages';

/** Path of the compiled pool-process entry. */
export const CHILD_ENTRY = join(__dirname, 'child.js');

/** Backoff before restarting a crashed process. */
export const RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000, healthyAfterMs: 5_000 } as const;

/** One slot's public state. */
export interface SlotStatus {
  readonly slot: number;
  readonly pid: number | undefined;
  readonly metricsPort?: number;
  /** True while the slot's worker is polling its task queue. */
  readonly polling: boolean;
  readonly restarts: number;
}

interface Slot {
  readonly slot: number;
  child?: ChildProcess;
  state: string;
  restarts: number;
  consecutiveFailures: number;
  startedAt: number;
  lastFatal?: string;
  /** True once the current process reported that it polls. */
  polled: boolean;
  metricsPort?: number;
  timer?: NodeJS.Timeout;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  readonly processes: number;
  /** The start message of a slot, built afresh for every (re)start. */
  startMessage(slot: number): Promise<StartMessage>;
  readonly logger: Logger;
  /** How long a drain may take before stragglers are killed. */
  readonly drainTimeoutMs: number;
}

/** Runs and restarts the pool's processes. */
export class Supervisor {
  private readonly slots: Slot[];
  private draining = false;
  private resolveDone!: () => void;
  /** Resolves when every process has exited after {@link drain}. */
  readonly done: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    this.slots = Array.from({ length: options.processes }, (_, i) => ({
      slot: i + 1,
      state: 'STARTING',
      restarts: 0,
      consecutiveFailures: 0,
      startedAt: 0,
      polled: false,
    }));
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts every slot. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.spawn(slot)));
  }

  /** Each slot's state. */
  status(): SlotStatus[] {
    return this.slots.map((s) => ({
      slot: s.slot,
      pid: this.alive(s) ? s.child?.pid : undefined,
      metricsPort: s.metricsPort,
      polling: s.state === 'RUNNING',
      restarts: s.restarts,
    }));
  }

  /** Stops restarting, asks every process to drain, and resolves when all have exited. */
  async drain(): Promise<void> {
    if (!this.draining) {
      this.draining = true;
      this.options.logger.info('pool draining', { processes: this.slots.length });
      for (const slot of this.slots) {
        clearTimeout(slot.timer);
        if (slot.child?.connected) slot.child.send({ type: 'shutdown' } satisfies ToProcess);
        else if (this.alive(slot)) slot.child?.kill('SIGTERM');
      }
      const killer = setTimeout(() => {
        for (const slot of this.slots) {
          if (this.alive(slot)) {
            this.options.logger.warn('process did not drain in time; killing it', { slot: slot.slot });
            slot.child?.kill('SIGKILL');
          }
        }
      }, this.options.drainTimeoutMs);
      killer.unref();
      this.checkDone();
    }
    await this.done;
  }

  private alive(slot: Slot): boolean {
    return slot.child !== undefined && slot.child.exitCode === null && slot.child.signalCode === null;
  }

  private checkDone(): void {
    if (this.draining && this.slots.every((s) => !this.alive(s))) this.resolveDone();
  }

  private async spawn(slot: Slot): Promise<void> {
    if (this.draining) return;
    const message = await this.options.startMessage(slot.slot);
    const child = fork(CHILD_ENTRY, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.metricsPort = message.metricsPort;
    slot.state = 'STARTING';
    slot.startedAt = Date.now();
    slot.lastFatal = undefined;
    slot.polled = false;
    child.on('message', (m: FromProcess) => {
      if (m.type === 'state') {
        slot.state = m.state;
        if (m.state === 'RUNNING') slot.polled = true;
      } else if (m.type === 'fatal') slot.lastFatal = m.message;
    });
    child.on('error', (err) => {
      this.options.logger.error('process error', { slot: slot.slot, error: err.message });
    });
    child.once('exit', (code, signal) => this.onExit(slot, child, code, signal));
    child.send(message satisfies ToProcess);
    this.options.logger.info('process started', { slot: slot.slot, pid: child.pid });
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.state = 'EXITED';
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (this.draining) {
      this.options.logger.info('process stopped', { slot: slot.slot, pid: child.pid, how });
      this.checkDone();
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    const healthy = slot.polled && ranMs >= RESTART_BACKOFF.healthyAfterMs;
    const drained = code === 0 && signal === null && slot.polled;
    slot.consecutiveFailures = drained ? 0 : healthy ? 1 : slot.consecutiveFailures + 1;
    const delayMs = drained
      ? 0
      : Math.min(RESTART_BACKOFF.initialMs * 2 ** (slot.consecutiveFailures - 1), RESTART_BACKOFF.maxMs);
    slot.restarts++;
    this.options.logger.warn(drained ? 'process drained; replacing it' : 'process died; restarting', {
      slot: slot.slot,
      pid: child.pid,
      how,
      reason:
        slot.lastFatal ??
        (signal ? `signal ${signal}` : drained ? 'stopped on its own signal' : 'exited unexpectedly'),
      restartInMs: delayMs,
    });
    slot.timer = setTimeout(() => {
      this.spawn(slot).catch((err: unknown) => {
        this.options.logger.error('restart failed', { slot: slot.slot, error: String(err) });
      });
    }, delayMs);
  }
}
