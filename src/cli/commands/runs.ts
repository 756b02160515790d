/**
 * `durable-cron runs list` and `runs show`: what ran, for whom, and how it went. Listing streams:
 * rows are printed page by page as visibility returns them.
 */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { UsageError } from '../../errors';
import { parseRunsFilter, type RunsFilterFlags } from '../../runs/filter';
import { humanDuration } from '../../duration';
import { csvWriter, jsonWriter, tableWriter, type RowWriter } from '../../runs/format';
import { countRuns, listRuns } from '../../runs/list';
import { showRun, type StepDetail } from '../../runs/show';
import { printJson, printTable, type Output } from '../output';

/** Flags of `runs list`. */
export interface RunsListFlags extends RunsFilterFlags {
  /** Checked by the option's parser (a positive integer). */
  limit: number;
  all?: boolean;
  json?: boolean;
  csv?: boolean;
  count?: boolean;
}

/** Rows written between waits for stdout to drain. */
const DRAIN_EVERY = 200;

/**
 * Lists runs. The count line goes to stdout after a table, to stderr after `--json`/`--csv` (so
 * stdout stays machine-readable); `--count` prints only the number, from the count API.
 * @throws {UsageError} for invalid flags, before connecting
 */
export async function runRunsList(
  config: ResolvedConfig,
  flags: RunsListFlags,
  output: Output,
): Promise<void> {
  const filter = parseRunsFilter(flags);
  if (flags.json && flags.csv) throw new UsageError('--json and --csv cannot be combined');
  if (flags.all && flags.count) throw new UsageError('--all and --count cannot be combined');
  const limit = flags.all ? undefined : flags.limit;
  const { client, close } = await connectClient(config);
  try {
    if (flags.count) {
      const count = await countRuns(client, filter);
      if (flags.json) printJson(output, { count });
      else output.out(String(count));
      return;
    }
    const line = (s: string) => output.out(s);
    const writer: RowWriter = flags.json ? jsonWriter(line) : flags.csv ? csvWriter(line) : tableWriter(line);
    let n = 0;
    for await (const row of listRuns(client, config, filter, { limit })) {
      writer.row(row);
      if (++n % DRAIN_EVERY === 0) await output.drained?.();
    }
    writer.end();
    const more = limit !== undefined && n >= limit ? ` (limit ${limit} reached; --all lists every run)` : '';
    const summary = `${n} run${n === 1 ? '' : 's'}${more}`;
    if (flags.json || flags.csv) output.err(summary);
    else output.out(summary);
  } finally {
    await close();
  }
}

/** Flags of `runs show`. */
export interface RunsShowFlags {
  runId?: string;
  json?: boolean;
}

/** Temporal run ids are UUIDs. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shows one run: status, fire time, customer/env, steps, compensations, result, link. */
export async function runRunsShow(
  config: ResolvedConfig,
  workflowId: string,
  flags: RunsShowFlags,
  output: Output,
): Promise<void> {
  if (workflowId.trim() === '') throw new UsageError('WORKFLOW_ID must not be empty');
  if (flags.runId !== undefined && !RUN_ID.test(flags.runId)) {
    throw new UsageError(
      `--run-id '${flags.runId}' is not a run id: a UUID such as 0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
    );
  }
  const { client, close } = await connectClient(config);
  try {
    const run = await showRun(client, config, workflowId, flags.runId);
    if (flags.json) {
      printJson(output, run);
      return;
    }
    output.out(`Run        ${run.workflowId} (run ${run.runId})`);
    output.out(`Status     ${run.status}`);
    output.out(`Job        ${run.job ?? '-'} (type ${run.type})`);
    output.out(`Customer   ${run.customer ?? '-'}   env ${run.env ?? '-'}`);
    output.out(`Fire time  ${run.fireTime ?? '- (not started by a schedule)'}`);
    output.out(
      `Started    ${run.startTime}   closed ${run.closeTime ?? '-'}   (${humanDuration(run.durationMs)})`,
    );
    const stepRows = (steps: StepDetail[]) =>
      steps.map((s) => [
        s.step,
        s.state,
        String(s.attempts),
        humanDuration(s.durationMs),
        (s.lastError ?? '').replace(/\s+/g, ' '),
      ]);
    output.out('');
    if (run.steps.length === 0) output.out('Steps      none yet');
    else printTable(output, ['STEP', 'STATE', 'ATTEMPTS', 'DURATION', 'LAST ERROR'], stepRows(run.steps));
    if (run.compensations.length > 0) {
      output.out('');
      output.out('Compensations');
      printTable(
        output,
        ['STEP', 'STATE', 'ATTEMPTS', 'DURATION', 'LAST ERROR'],
        stepRows(run.compensations),
      );
    }
    output.out('');
    if (run.input !== null) output.out(`Input      ${JSON.stringify(run.input)}`);
    if (run.failure) output.out(`Failure    ${run.failure}`);
    if (run.result !== null) output.out(`Result     ${JSON.stringify(run.result)}`);
    output.out(`Web UI     ${run.url}`);
  } finally {
    await close();
  }
}
