/**
 * `data-sync` step: copy one shard of `sync_source` (rows with `id % shards = shard`) into
 * `sync_target`. Each shard is its own step, keyed `<workflowId>/syncShard[<n>]`, so a failed shard
 * is retried alone and a shard that already synced is not synced again.
 */
import { activityInfo } from '@temporalio/activity';
import type { Pool } from 'pg';
import { idempotencyKey, once, requireDb, type StepContext } from '../../../src';

/** Step name of one shard, used for its idempotency key. */
export function shardStepName(shard: number): string {
  return `syncShard[${shard}]`;
}

/** What one shard did. */
export interface ShardResult {
  readonly shard: number;
  readonly rows: number;
  /** The attempt that synced it (1 unless it was retried). */
  readonly attempt: number;
  readonly created: boolean;
}

/** Builds the data-sync activities. */
export function createDataSyncActivities(deps: { db?: Pool }) {
  return {
    /** Syncs one shard, once per run of the fire. */
    async syncShard(_ctx: StepContext, input: { shard: number; shards: number }): Promise<ShardResult> {
      const step = shardStepName(input.shard);
      const db = requireDb(deps.db, 'syncShard');
      const key = idempotencyKey(step);
      const { attempt } = activityInfo();
      const { result, created } = await once(db, key, step, async (tx) => {
        const { rowCount } = await tx.query(
          `INSERT INTO sync_target (id, payload, synced_by)
           SELECT id, payload, $3 FROM sync_source WHERE id % $1 = $2
           ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, synced_by = EXCLUDED.synced_by,
             synced_at = now()`,
          [input.shards, input.shard, key],
        );
        return { shard: input.shard, rows: rowCount ?? 0, attempt };
      });
      return { ...result, created };
    },
  };
}
