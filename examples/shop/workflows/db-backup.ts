/** The `db-backup` job type: one long, heartbeating step that resumes where a crashed worker left off. */
import type { Activities } from '../activities';
import type { BackupResult } from '../activities/backup';
import type { DbBackupInput } from '../inputs';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { DB_BACKUP_STEPS } from '../steps';

/** Workflow of the `db-backup` job type. */
export async function dbBackup(
  input: JobRunInput<DbBackupInput>,
): Promise<BackupResult & { fireTime: string }> {
  const ctx = stepContext(input);
  const result = await new StepRunner<Activities>(input.steps).step(DB_BACKUP_STEPS.backupTable)(
    ctx,
    input.input,
  );
  return { ...result, fireTime: ctx.fireTime };
}
