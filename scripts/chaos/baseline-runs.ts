/**
 * `chaos_baseline_runs`: one row per run of the classic baseline, written by the replica that won
 * the fire's lock. A row whose `finished_at` stays null is a run its process died in.
 */
import type { Pool } from 'pg';
import type { BaselineOutcome } from './baseline-billing';

/** One run of the baseline, as `chaos_baseline_runs` records it. */
export interface BaselineRunRow {
  readonly jobId: string;
  readonly fireTime: Date;
  readonly replica: number;
  readonly pid: number;
  readonly startedAt: Date;
  /** Null when the process died mid-run (or is still running it). */
  readonly finishedAt: Date | null;
  readonly outcome: BaselineOutcome | null;
}

/** Creates `chaos_baseline_runs` if it does not exist. Call once before starting replicas. */
export async function ensureBaselineTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS chaos_baseline_runs (
    id bigserial PRIMARY KEY,
    job_id text NOT NULL,
    fire_time timestamptz NOT NULL,
    replica int NOT NULL,
    pid int NOT NULL,
    run_tag text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz NULL,
    outcome text NULL
  )`);
  await pool.query(
    'CREATE INDEX IF NOT EXISTS chaos_baseline_runs_tag ON chaos_baseline_runs (run_tag, job_id, fire_time)',
  );
}

/** Records the start of a run. @returns the row's id */
export async function recordRunStart(
  pool: Pool,
  run: { runTag: string; jobId: string; fireTime: Date; replica: number; pid: number },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO chaos_baseline_runs (job_id, fire_time, replica, pid, run_tag)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [run.jobId, run.fireTime, run.replica, run.pid, run.runTag],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('chaos_baseline_runs: INSERT returned no id');
  return id;
}

/** Records how a run ended. */
export async function recordRunEnd(pool: Pool, id: string, outcome: BaselineOutcome): Promise<void> {
  await pool.query('UPDATE chaos_baseline_runs SET finished_at = now(), outcome = $2 WHERE id = $1', [
    id,
    outcome,
  ]);
}

/** Every run of one chaos run, by fire time, job, then start. */
export async function baselineRuns(pool: Pool, runTag: string): Promise<BaselineRunRow[]> {
  const { rows } = await pool.query<{
    job_id: string;
    fire_time: Date;
    replica: number;
    pid: number;
    started_at: Date;
    finished_at: Date | null;
    outcome: BaselineOutcome | null;
  }>(
    `SELECT job_id, fire_time, replica, pid, started_at, finished_at, outcome
     FROM chaos_baseline_runs WHERE run_tag = $1 ORDER BY fire_time, job_id, started_at, id`,
    [runTag],
  );
  return rows.map((r) => ({
    jobId: r.job_id,
    fireTime: r.fire_time,
    replica: r.replica,
    pid: r.pid,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
  }));
}
