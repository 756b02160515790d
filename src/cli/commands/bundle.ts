/**
 * `durable-cron bundle`: build the workflow bundle of the job types `--jobs` (or the project config)
 * gives, ahead of time, into a file `durable-cron worker --workflow-bundle` uses instead of bundling
 * at every start (e.g. while a container image is built).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors';
import { writeWorkflowBundle } from '../../worker/bundle-file';
import { jobModulesFrom } from '../jobs';
import { printJson, type Output } from '../output';

/** Flags of `bundle`. */
export interface BundleFlags {
  out?: string;
  json?: boolean;
}

/**
 * Loads the jobs modules, bundles their workflows with durable-cron's, and writes the file.
 * @throws {UsageError} without `--out`; {@link JobModuleError} when a jobs module does not load
 */
export async function runBundle(flags: BundleFlags, output: Output, cmd: Command): Promise<void> {
  if (flags.out === undefined || flags.out.trim() === '') {
    throw new UsageError('--out <file> is required: where to write the workflow bundle');
  }
  const out = resolve(flags.out);
  const { registry } = jobModulesFrom(cmd);
  const { manifest, bytes } = await writeWorkflowBundle(registry, out);
  if (flags.json) {
    printJson(output, { path: out, bytes, ...manifest });
    return;
  }
  const own = manifest.workflows.length ? manifest.workflows.join(', ') : 'none';
  output.out(`Wrote ${out} (${Math.round(bytes / 1024)} KiB) for job types ${registry.names().join(', ')}`);
  output.out(`  own workflows: ${own}; @temporalio/workflow ${manifest.temporalWorkflow}`);
  output.out(`  run workers with: durable-cron worker --workflow-bundle ${flags.out}`);
}
