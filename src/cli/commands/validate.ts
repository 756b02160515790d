/**
 * `durable-cron validate`. Kept apart from apply so that checking a file loads no Temporal client.
 */
import type { Command } from 'commander';
import { JobsFileError } from '../../errors';
import { readJobsFile, type LoadedJobsFile } from '../../jobs/load';
import { formatWarning, lintJobsFile, type JobsFileWarning } from '../../jobs/lint';
import { formatPreview, schedulePreviews } from '../../jobs/schedule-preview';
import { jobModulesFrom, jobsFileFrom, projectFrom } from '../jobs';
import { printJson, type Output } from '../output';

/** A jobs file that passed validation, and its warnings. */
export interface ValidatedJobsFile {
  readonly file: string;
  readonly loaded: LoadedJobsFile;
  readonly warnings: readonly JobsFileWarning[];
}

/**
 * Reads and validates the command's jobs file (`-f` or the project config's) against the job
 * types of its jobs modules: a job whose type the workers don't have fails here. What `validate`
 * checks and `apply` checks before anything changes.
 * @throws {JobsFileError} listing every problem; {@link JobModuleError} when a module does not load
 */
export async function validateJobsFile(
  cmd: Command,
  file?: string,
  now: Date = new Date(),
): Promise<ValidatedJobsFile> {
  const settings = projectFrom(cmd);
  const path = file ?? jobsFileFrom(cmd, settings);
  const { registry } = jobModulesFrom(cmd, settings);
  const loaded = await readJobsFile(path, registry);
  return { file: path, loaded, warnings: lintJobsFile(loaded, now) };
}

/**
 * Validates a jobs file; prints every problem, or each job's schedule in words with its next fire
 * times, a summary and any warnings.
 */
export async function runValidate(flags: { json?: boolean }, output: Output, cmd: Command): Promise<void> {
  const file = jobsFileFrom(cmd, projectFrom(cmd));
  try {
    const now = new Date();
    const { loaded, warnings } = await validateJobsFile(cmd, file, now);
    const schedules = schedulePreviews(loaded, now);
    if (flags.json) {
      printJson(output, {
        file: file,
        valid: true,
        project: loaded.project,
        projectSource: loaded.projectSource,
        jobs: loaded.jobs.jobs.length,
        issues: [],
        warnings,
        schedules,
      });
      return;
    }
    printWarnings(output, warnings);
    for (const p of schedules) for (const line of formatPreview(p)) output.out(line);
    output.out(
      `${file}: ${loaded.jobs.jobs.length} job(s) of project ${projectText(loaded)}, no problems` +
        (warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''),
    );
  } catch (err) {
    if (err instanceof JobsFileError && flags.json) {
      printJson(output, { file: file, valid: false, issues: err.issues });
    }
    throw err;
  }
}

/** Prints the warnings of a jobs file, one line each, on stderr. */
export function printWarnings(output: Output, warnings: readonly JobsFileWarning[]): void {
  for (const w of warnings) output.err(formatWarning(w));
}

/** The project of a jobs file and where its name comes from. */
export function projectText(loaded: LoadedJobsFile): string {
  return `${loaded.project} (${loaded.projectSource === 'field' ? 'set in the file' : 'from file name'})`;
}
