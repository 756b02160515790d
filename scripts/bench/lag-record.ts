/**
 * Recording fire lag from inside a step: the first activity of a scheduled run appends
 * `<workflowId> <epoch ms>` to the file named by `BENCH_LAG_FILE` (inherited by worker processes).
 * Both durable-cron's job and the raw SDK baseline record through this one function.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';

/** The environment variable naming the lag file. */
export const LAG_FILE_ENV = 'BENCH_LAG_FILE';

/** Appends this activity's workflow id and the current time to the lag file, when one is set. */
export function recordActivityStart(): void {
  const file = process.env[LAG_FILE_ENV];
  if (!file) return;
  const now = Date.now();
  // One short line per write with O_APPEND: lines of concurrent processes do not interleave.
  appendFileSync(file, `${Context.current().info.workflowExecution?.workflowId ?? 'unknown'} ${now}\n`);
}

/** The nominal fire time a schedule put at the end of a run's workflow id (`<prefix>-<RFC 3339>`). */
export function fireTimeOfWorkflowId(workflowId: string): Date | undefined {
  const m = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/.exec(workflowId);
  const text = m?.[1];
  return text === undefined ? undefined : new Date(text);
}

/** One recorded first-activity start. */
export interface LagRecord {
  readonly workflowId: string;
  readonly fireTime: Date;
  readonly startedMs: number;
}

/** The records of a lag file whose workflow id carries a fire time. */
export function readLagFile(file: string): LagRecord[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const records: LagRecord[] = [];
  for (const line of text.split('\n')) {
    const [workflowId, ms] = line.split(' ');
    const fireTime = workflowId ? fireTimeOfWorkflowId(workflowId) : undefined;
    if (workflowId && fireTime && ms) records.push({ workflowId, fireTime, startedMs: Number(ms) });
  }
  return records;
}
