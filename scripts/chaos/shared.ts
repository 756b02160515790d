/** Chaos harness only: settings and results shared by the product's run and the baseline's. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EffectsReport } from './effects';
import type { FaultCounts, FaultPlan } from './faults';

/** One job of the chaos run. */
export interface ChaosJob {
  readonly id: string;
  readonly type: 'billing' | 'generate-report';
  readonly customer: string;
  readonly everySeconds: number;
  readonly amountCents?: number;
  /** A billing step that fails for good on every run (the run must compensate). */
  readonly failAt?: 'sendInvoice';
}

/** Everything a chaos run needs. */
export interface ChaosSettings {
  readonly jobs: readonly ChaosJob[];
  readonly plan: FaultPlan;
  readonly processes: number;
  readonly stepDelayMs: number;
  /** Use the embedded database (the `npm start` default) instead of PostgreSQL. */
  readonly embedded: boolean;
  /** PostgreSQL server to create the run's database on. */
  readonly databaseUrl: string;
  /** Overlap policy written into the jobs file; undefined = the product's default. */
  readonly overlap?: string;
  /** How long to wait for open runs to finish after the faults stop. */
  readonly settleMs: number;
}

/** What a chaos run measured. */
export interface ChaosResult {
  readonly design: string;
  readonly window: { from: string; to: string };
  readonly expected: number;
  /** Fires with exactly one run. */
  readonly ranOnce: number;
  /** Expected fires that never ran to an end. */
  readonly lost: number;
  /** Fires that ran more than once. */
  readonly doubled: number;
  readonly skippedByPolicy: number;
  /** Fires whose run failed without compensating (should be none: failing jobs compensate). */
  readonly failed: number;
  readonly compensated: number;
  readonly effects: EffectsReport;
  readonly faults: FaultCounts;
  readonly details: { missing: string[]; doubled: string[]; failed: string[] };
}

/** The default jobs: 8 billing sagas every 5 s (2 of them fail at sendInvoice) and 4 reports every 10 s. */
export function defaultChaosJobs(billing = 8, reports = 4): ChaosJob[] {
  const jobs: ChaosJob[] = [];
  for (let i = 0; i < billing; i += 1) {
    jobs.push({
      id: `chaos-billing-${i + 1}`,
      type: 'billing',
      customer: `c${i + 1}`,
      everySeconds: 5,
      amountCents: 1000 + i,
      ...(i >= billing - Math.max(1, Math.round(billing / 4)) ? { failAt: 'sendInvoice' as const } : {}),
    });
  }
  for (let i = 0; i < reports; i += 1) {
    jobs.push({
      id: `chaos-report-${i + 1}`,
      type: 'generate-report',
      customer: `r${i + 1}`,
      everySeconds: 10,
    });
  }
  return jobs;
}

/** Restarts the machine's PostgreSQL (`pg_ctlcluster … restart`) and waits until it answers again. */
export async function restartPostgres(log: (line: string) => void): Promise<void> {
  const version = readdirSync('/etc/postgresql')[0];
  if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  const cluster = ['--skip-systemctl-redirect', version, 'main'];
  try {
    execFileSync('pg_ctlcluster', [...cluster, 'restart'], { stdio: 'ignore', timeout: 60_000 });
  } catch (err) {
    log(`pg_ctlcluster restart failed (${(err as Error).message}); starting it`);
    execFileSync('pg_ctlcluster', [...cluster, 'start'], { stdio: 'ignore', timeout: 60_000 });
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432'], { stdio: 'ignore' });
      return;
    } catch {
      await sleep(500);
    }
  }
  throw new Error('PostgreSQL did not answer within 60 s of its restart');
}

export type { FaultPlan };
