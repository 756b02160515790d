/** The `db-backup` job type: one long, heartbeating step that resumes where a crashed worker left off. */
import type { BackupResult } from '../activities/backup';
import type { DbBackupInput } from '../src/job-types/inputs';
import type { JobRunInput } from '../src/types';
import { DB_BACKUP_STEPS } from './job-steps';
import { stepContext } from './run-context';
import { StepRunner } from './steps';

/** Workflow of the `db-backup` job type. */
export async function dbBackup(
  input: JobRunInput<DbBackupInput>,
): Promise<BackupResult & { fireTime: string }> {
  const ctx = stepContext(input);
  const result = await new StepRunner(input.steps).step(DB_BACKUP_STEPS.backupTable)(ctx, input.input);
  return { ...result, fireTime: ctx.fireTime };
}
