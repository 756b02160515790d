/**
 * `db-backup` step: copy a table into `backup_chunks`, chunk by chunk, heartbeating the next chunk
 * to do. When the worker dies mid-step, the heartbeat timeout fires, the step is retried on another
 * worker, and the retry starts from the last heartbeat instead of from the beginning.
 */
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import type { Pool } from 'pg';
import { idempotencyKey, parseDuration, requireDb, type StepContext } from '../../../src';

/** Tables `db-backup` may copy, with the column that orders their rows. */
export const BACKUP_TABLES = { orders: 'id', customers: 'id', products: 'sku', sync_source: 'id' } as const;

/** Progress saved in heartbeats. */
export interface BackupProgress {
  readonly nextChunk: number;
}

/** What a backup did. */
export interface BackupResult {
  readonly table: string;
  readonly chunks: number;
  readonly rows: number;
  /** The chunk this attempt started from: more than 0 when it resumed from a heartbeat. */
  readonly resumedFrom: number;
  readonly attempt: number;
}

/** Builds the backup activities. */
export function createBackupActivities(deps: { db?: Pool }) {
  return {
    /** Copies `table` in chunks of `chunkSize` rows, pausing `chunkDelay` between chunks. */
    async backupTable(
      ctx: StepContext,
      input: { table: keyof typeof BACKUP_TABLES; chunkSize: number; chunkDelay?: string },
    ): Promise<BackupResult> {
      const db = requireDb(deps.db, 'backupTable');
      const orderBy = BACKUP_TABLES[input.table];
      if (!orderBy)
        throw ApplicationFailure.nonRetryable(`table '${input.table}' cannot be backed up`, 'BadInput');
      const delay = input.chunkDelay ? (parseDuration(input.chunkDelay) ?? 0) : 0;
      const { attempt } = activityInfo();
      const progress = activityInfo().heartbeatDetails as BackupProgress | undefined;
      const resumedFrom = progress?.nextChunk ?? 0;
      const key = idempotencyKey('backupTable');
      await db.query(
        `INSERT INTO backups (idempotency_key, table_name, fire_time) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, input.table, ctx.fireTime],
      );
      if (resumedFrom > 0) {
        await db.query('UPDATE backups SET resumed_from = $2 WHERE idempotency_key = $1', [key, resumedFrom]);
      }
      // Identifiers come from the BACKUP_TABLES allow-list, never from input text.
      const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${input.table}`);
      const rows = total.rows[0]?.n ?? 0;
      const chunks = Math.ceil(rows / input.chunkSize);
      for (let chunk = resumedFrom; chunk < chunks; chunk += 1) {
        await db.query(
          `INSERT INTO backup_chunks (backup_key, chunk, rows, attempt)
           SELECT $1, $2, coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb), $5
           FROM (SELECT * FROM ${input.table} ORDER BY ${orderBy} OFFSET $3 LIMIT $4) t
           ON CONFLICT (backup_key, chunk) DO NOTHING`,
          [key, chunk, chunk * input.chunkSize, input.chunkSize, attempt],
        );
        Context.current().heartbeat({ nextChunk: chunk + 1 } satisfies BackupProgress);
        if (delay > 0) await Context.current().sleep(delay);
      }
      await db.query(
        'UPDATE backups SET chunks = $2, rows = $3, completed_at = now() WHERE idempotency_key = $1',
        [key, chunks, rows],
      );
      return { table: input.table, chunks, rows, resumedFrom, attempt };
    },
  };
}
