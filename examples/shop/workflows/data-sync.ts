/**
 * The `data-sync` job type (sharding): split the work into N shards and sync them in parallel, at
 * most `concurrency` at a time, each shard its own step (a failed shard is retried alone). When the
 * history grows past `maxHistoryEvents` (or the server suggests it), the run drains its in-flight
 * shards and continues as new with its progress, keeping every history small.
 */
import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DataSyncInput } from '../inputs';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { DATA_SYNC_STEPS } from '../steps';

/** Progress carried across continue-as-new. */
export interface DataSyncProgress {
  readonly nextShard: number;
  readonly rows: number;
  readonly continuedAsNew: number;
}

/** Input of a `data-sync` run: the job's input plus progress from the previous run of the chain. */
export type DataSyncRunInput = JobRunInput<DataSyncInput> & { readonly progress?: DataSyncProgress };

/** Result of a `data-sync` run (the last of its continue-as-new chain). */
export interface DataSyncResult {
  readonly fireTime: string;
  readonly shards: number;
  readonly rows: number;
  /** How many times the chain continued as new. */
  readonly continuedAsNew: number;
}

/** Workflow of the `data-sync` job type. */
export async function dataSync(input: DataSyncRunInput): Promise<DataSyncResult> {
  const ctx = stepContext(input);
  const { shards, concurrency, maxHistoryEvents } = input.input;
  const syncShard = new StepRunner<Activities>(input.steps).step(DATA_SYNC_STEPS.syncShard);
  let next = input.progress?.nextShard ?? 0;
  let rows = input.progress?.rows ?? 0;
  const continued = input.progress?.continuedAsNew ?? 0;
  const inFlight = new Set<Promise<void>>();

  while (next < shards) {
    const info = workflowInfo();
    if (info.historyLength >= maxHistoryEvents || info.continueAsNewSuggested) {
      await Promise.all(inFlight);
      // The fire time travels in the input: the next run is not started by the schedule.
      return continueAsNew<typeof dataSync>({
        ...input,
        fireTime: ctx.fireTime,
        progress: { nextShard: next, rows, continuedAsNew: continued + 1 },
      });
    }
    if (inFlight.size >= concurrency) {
      await Promise.race(inFlight);
      continue;
    }
    const shard = next;
    next += 1;
    const done: Promise<void> = syncShard(ctx, { shard, shards }).then((result) => {
      rows += result.rows;
      inFlight.delete(done);
    });
    inFlight.add(done);
  }
  await Promise.all(inFlight);
  return { fireTime: ctx.fireTime, shards, rows, continuedAsNew: continued };
}
