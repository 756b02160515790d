/** `durable-cron apply`. */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import type { LoadedJobsFile } from '../../jobs/load';
import { ApplyIncompleteError, executePlan, type ChangeResult } from '../../schedules/apply';
import { planApply, type Plan, type PlannedChange } from '../../schedules/plan';
import { ScheduleRpc } from '../../schedules/schedule-rpc';
import { totalRpcs, type RpcCounts } from '../../schedules/rpc';
import type { Command } from 'commander';
import { printJson, type Output } from '../output';
import { printWarnings, projectText, validateJobsFile } from './validate';
import { withSetupHint } from '../../schedules/errors';
import { requireSearchAttributes } from '../../search-attributes';

/** Changes above this many get progress lines. */
export const PROGRESS_THRESHOLD = 50;

/** Flags of `apply`. */
export interface ApplyFlags {
  json?: boolean;
  dryRun?: boolean;
  prune?: boolean;
  /** RPCs in flight at once, checked by the option's parser (1-64). @default 8 */
  concurrency?: number;
}

/**
 * Validates the whole file (nothing is sent when anything is wrong), prints the plan, then
 * makes Temporal match it unless `--dry-run`.
 * @throws {ApplyIncompleteError} when some changes failed; the others were made
 */
export async function runApply(
  config: ResolvedConfig,
  flags: ApplyFlags,
  output: Output,
  cmd: Command,
): Promise<void> {
  const concurrency = flags.concurrency ?? 8;
  // Before anything changes: the whole file, and every job's type one the workers have.
  const { file, loaded, warnings } = await validateJobsFile(cmd);
  if (!flags.json) printWarnings(output, warnings);
  const { client, connection, close } = await connectClient(config);
  try {
    // Before planning: a namespace without durable-cron's attributes would fail every create.
    await requireSearchAttributes(connection, config.namespace);
    const rpc = new ScheduleRpc(client);
    const plan = await withSetupHint(() =>
      planApply(rpc, loaded.jobs, {
        taskQueue: config.taskQueue,
        project: loaded.project,
        prune: flags.prune,
        concurrency,
        encryptionKeyId: config.codec?.keys[0]?.id,
      }),
    );
    if (!flags.json) printPlan(output, config.namespace, loaded, plan, flags.prune === true);
    let results: ChangeResult[] = [];
    if (!flags.dryRun && plan.changes.length > 0) {
      const total = plan.changes.length;
      const step = Math.max(1, Math.ceil(total / 10));
      results = await executePlan(rpc, plan, {
        concurrency,
        onProgress: (done, all, r) => {
          if (r.error !== undefined && !flags.json) {
            output.err(`  ! ${r.change.action} ${r.change.jobId} failed: ${r.error}`);
          }
          if (all > PROGRESS_THRESHOLD && (done % step === 0 || done === all)) {
            output.err(`progress: ${done}/${all} changes (${Math.round((done / all) * 100)}%)`);
          }
        },
      });
    }
    const made = results
      .filter((r) => r.done !== undefined && r.done !== 'none')
      .map((r) => changeJson({ ...r.change, action: r.done as PlannedChange['action'] }));
    const failed = results
      .filter((r) => r.error !== undefined)
      .map((r) => ({ ...changeJson(r.change), error: r.error }));
    if (flags.json) {
      printJson(output, {
        namespace: config.namespace,
        file: file,
        project: loaded.project,
        projectSource: loaded.projectSource,
        dryRun: flags.dryRun === true,
        prune: flags.prune === true,
        plan: plan.changes.map(changeJson),
        unchanged: plan.unchanged,
        changes: made,
        failed,
        ...(flags.prune ? { unowned: plan.unowned } : {}),
        warnings,
        rpcs: rpc.counts,
      });
    } else if (flags.dryRun) {
      output.out('Dry run: nothing was changed.');
      output.out(rpcLine(rpc.counts));
    } else {
      printSummary(output, config.namespace, results, plan.unchanged.length, rpc.counts);
    }
    if (failed.length > 0) throw new ApplyIncompleteError(results, rpc.counts);
  } finally {
    await close();
  }
}

function changeJson(c: PlannedChange): {
  jobId: string;
  action: string;
  fields?: readonly string[];
  adopt?: boolean;
  project?: { from: string | null; to: string };
} {
  return c.action === 'update'
    ? {
        jobId: c.jobId,
        action: c.action,
        fields: c.fields ?? [],
        ...(c.adopt ? { adopt: true } : {}),
        ...(c.project ? { project: { from: c.project.from ?? null, to: c.project.to } } : {}),
      }
    : { jobId: c.jobId, action: c.action };
}

/** `billing (from file name)` or `billing (set in the file)`. */

const SIGN = { create: '+', update: '~', delete: '-' } as const;

/** What an update changes, e.g. `spec.calendars, project other -> mine; adopting ...`. */
function updateDetail(c: PlannedChange): string {
  const fields = (c.fields ?? []).map((f) =>
    f === 'project' && c.project ? `project ${c.project.from ?? '(none)'} -> ${c.project.to}` : f,
  );
  return `${fields.join(', ')}${c.adopt ? '; adopting a schedule durable-cron did not create' : ''}`;
}

function printPlan(
  output: Output,
  namespace: string,
  loaded: LoadedJobsFile,
  plan: Plan,
  prune: boolean,
): void {
  const { changes } = plan;
  const unchanged = plan.unchanged.length;
  output.out(`Plan for namespace '${namespace}' from ${loaded.file}:`);
  output.out(`  project: ${projectText(loaded)}`);
  if (prune) {
    output.out(`  prune: deletes schedules of project '${plan.project}' that the file no longer has`);
    if (plan.unowned.length > 0) {
      const some = plan.unowned.slice(0, 5).join(', ') + (plan.unowned.length > 5 ? ', ...' : '');
      output.out(
        `  prune skips ${plan.unowned.length} schedule(s) with no project record (written before projects): ${some}`,
      );
    }
  }
  for (const c of changes) {
    const detail =
      c.action === 'update'
        ? ` (${updateDetail(c)})`
        : c.action === 'delete'
          ? ` (project ${plan.project}, not in the file)`
          : '';
    output.out(`  ${SIGN[c.action]} ${c.action} ${c.jobId}${detail}`);
  }
  const count = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).length;
  output.out(
    changes.length === 0
      ? `  no changes: ${unchanged} schedule(s) already match`
      : `  ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${unchanged} unchanged`,
  );
}

function rpcLine(counts: RpcCounts): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return `RPCs sent: ${totalRpcs(counts)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function printSummary(
  output: Output,
  namespace: string,
  results: readonly ChangeResult[],
  unchanged: number,
  counts: RpcCounts,
): void {
  const count = (a: PlannedChange['action']) => results.filter((r) => r.done === a).length;
  const already = results.filter((r) => r.done === 'none').length;
  output.out(
    `Applied to namespace '${namespace}': ${count('create')} created, ${count('update')} updated, ` +
      `${count('delete')} deleted, ${unchanged + already} unchanged.`,
  );
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length > 0) {
    output.out(
      `Not changed (failed): ${failed.map((r) => `${r.change.action} ${r.change.jobId}`).join(', ')}`,
    );
  }
  output.out(rpcLine(counts));
}
