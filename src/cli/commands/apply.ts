/** `durable-cron validate` and `durable-cron apply`. */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { JobsFileError } from '../../errors';
import { loadJobsFile } from '../../jobs/load';
import { applyJobs } from '../../schedules/apply';
import { printJson, type Output } from '../output';

/** Validates a jobs file; prints every problem, or a summary. */
export async function runValidate(flags: { file: string; json?: boolean }, output: Output): Promise<void> {
  try {
    const file = await loadJobsFile(flags.file);
    if (flags.json) printJson(output, { file: flags.file, valid: true, jobs: file.jobs.length, issues: [] });
    else output.out(`${flags.file}: ${file.jobs.length} job(s), no problems`);
  } catch (err) {
    if (err instanceof JobsFileError && flags.json) {
      printJson(output, { file: flags.file, valid: false, issues: err.issues });
    }
    throw err;
  }
}

/** Validates the whole file, then creates or updates one schedule per job. */
export async function runApply(
  config: ResolvedConfig,
  flags: { file: string; json?: boolean },
  output: Output,
): Promise<void> {
  // Validate everything before connecting: bad input never reaches the server.
  const file = await loadJobsFile(flags.file);
  const { client, close } = await connectClient(config);
  try {
    const changes = await applyJobs(client, file, {
      taskQueue: config.taskQueue,
      onChange: flags.json
        ? undefined
        : (c) => output.out(`${c.action === 'create' ? '+ create' : '~ update'} ${c.jobId}`),
    });
    if (flags.json) printJson(output, { namespace: config.namespace, changes });
    else output.out(`Applied ${changes.length} job(s) to namespace '${config.namespace}'.`);
  } finally {
    await close();
  }
}
