/** `durable-cron schedules list|describe|pause|unpause|trigger|backfill|delete`. */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { UsageError } from '../../errors';
import type { BackfillReport } from '../../schedules/backfill';
import { backfillExactlyOnce } from '../../schedules/backfill';
import { listSchedules, scheduleDetails, type ListFilters } from '../../schedules/inspect';
import {
  deleteSchedule,
  describeOrThrow,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
} from '../../schedules/operations';
import { ScheduleRpc } from '../../schedules/schedule-rpc';
import { specModelOf } from '../../schedules/spec-model';
import { describeCalendar } from '../../calendar';
import { PROJECT_PATTERN, PROJECT_PATTERN_TEXT } from '../../jobs/project';
import { parseTimeFlag } from '../../time-flag';
import { printJson, printTable, type Output } from '../output';
import { formatDuration, msOf } from '../../duration';
import { formatFireTime } from '../../rfc3339';

/** Runs `body` with a counted schedule client, closing the connection after. */
async function withRpc<T>(config: ResolvedConfig, body: (rpc: ScheduleRpc) => Promise<T>): Promise<T> {
  const { client, close } = await connectClient(config);
  try {
    return await body(new ScheduleRpc(client));
  } finally {
    await close();
  }
}

/** `schedules list`. */
export async function runSchedulesList(
  config: ResolvedConfig,
  flags: ListFilters & { json?: boolean },
  output: Output,
): Promise<void> {
  if (flags.project !== undefined && !PROJECT_PATTERN.test(flags.project)) {
    throw new UsageError(`--project '${flags.project}' must match ${PROJECT_PATTERN_TEXT}`);
  }
  const rows = await withRpc(config, (rpc) => listSchedules(rpc, flags));
  if (flags.json) {
    printJson(output, { namespace: config.namespace, schedules: rows });
    return;
  }
  if (rows.length === 0) {
    output.out(`No schedules in namespace '${config.namespace}' match.`);
    return;
  }
  printTable(
    output,
    ['ID', 'PROJECT', 'TYPE', 'CUSTOMER', 'ENV', 'SCHEDULE', 'TIMEZONE', 'STATE', 'NEXT FIRE', 'LAST RUN'],
    rows.map((r) => [
      r.id,
      r.project || '-',
      r.type,
      r.customer,
      r.env,
      r.schedule,
      r.timezone,
      r.paused ? `paused${r.note ? `: ${r.note}` : ''}` : 'active',
      r.nextFire ?? '-',
      r.lastRunStatus ?? '-',
    ]),
  );
}

/** `schedules describe ID`. */
export async function runSchedulesDescribe(
  config: ResolvedConfig,
  id: string,
  flags: { json?: boolean },
  output: Output,
): Promise<void> {
  const details = await withRpc(config, async (rpc) =>
    scheduleDetails(rpc, await describeOrThrow(rpc, id, config.namespace)),
  );
  const d = details.description;
  if (flags.json) {
    const { raw: _raw, ...description } = d;
    printJson(output, {
      ...description,
      typedSearchAttributes: Object.fromEntries(
        d.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]),
      ),
      searchAttributes: undefined,
      pausedAt: details.pausedAt,
      project: details.project ?? null,
      nextFireTimes: details.nextFireTimes.map(formatFireTime),
      recentRuns: details.recentRuns.map((r) => ({ ...r, fireTime: formatFireTime(r.fireTime) })),
    });
    return;
  }
  const model = specModelOf(d.spec);
  const memo = d.action.memo as { description?: unknown } | undefined;
  output.out(`Schedule ${d.scheduleId} (namespace '${config.namespace}')`);
  if (typeof memo?.description === 'string') output.out(`  description:   ${memo.description}`);
  if (details.project) output.out(`  project:       ${details.project}`);
  for (const p of d.typedSearchAttributes.getAll()) {
    if (p.key.name !== 'scheduleSync') output.out(`  ${`${p.key.name}:`.padEnd(15)}${String(p.value)}`);
  }
  output.out(
    `  workflow:      ${d.action.workflowType} on task queue ${d.action.taskQueue} (runs named ${d.action.workflowId}-<fire time>)`,
  );
  output.out(`  input:         ${JSON.stringify(d.action.args ?? [])}`);
  output.out('Spec:');
  for (const c of model.calendars) output.out(`  calendar:      ${describeCalendar(c)}`);
  for (const i of model.intervals)
    output.out(`  interval:      every ${formatDuration(i.everyMs)}, offset ${formatDuration(i.offsetMs)}`);
  for (const c of model.skip)
    output.out(`  skip:          ${c.comment ? `${c.comment} ` : ''}(${describeCalendar(c)})`);
  output.out(`  timezone:      ${model.timeZone}`);
  output.out(`  jitter:        ${formatDuration(msOf(d.spec.jitter ?? 0))}`);
  if (d.spec.startAt) output.out(`  startAt:       ${formatFireTime(d.spec.startAt)}`);
  if (d.spec.endAt) output.out(`  endAt:         ${formatFireTime(d.spec.endAt)}`);
  output.out('Policies:');
  output.out(`  overlap:       ${d.policies.overlap}`);
  output.out(`  catchupWindow: ${formatDuration(d.policies.catchupWindow)}`);
  output.out(`  pauseOnFailure: ${d.policies.pauseOnFailure}`);
  output.out('State:');
  output.out(
    `  ${d.state.paused ? `paused${details.pausedAt ? ` since ${details.pausedAt.toISOString()}` : ''}` : 'active'}` +
      `${d.state.note ? ` (note: ${d.state.note})` : ''}`,
  );
  output.out(
    `  created ${d.info.createdAt.toISOString()}, updated ${d.info.lastUpdatedAt?.toISOString() ?? '-'}, ` +
      `${d.info.numActionsTaken} action(s) taken, ${d.info.numActionsMissedCatchupWindow} missed the catch-up window, ` +
      `${d.info.numActionsSkippedOverlap} skipped for overlap`,
  );
  output.out(`Next fire times (the server's${d.spec.jitter ? ', with jitter' : ''}):`);
  for (const t of details.nextFireTimes) output.out(`  ${formatFireTime(t)}`);
  if (details.nextFireTimes.length === 0) output.out('  none');
  output.out('Recent runs:');
  if (details.recentRuns.length === 0) output.out('  none');
  else
    printTable(
      { out: (l) => output.out(`  ${l}`), err: (l) => output.err(l) },
      ['FIRE TIME', 'STATUS', 'WORKFLOW ID'],
      details.recentRuns.map((r) => [formatFireTime(r.fireTime), r.status, r.workflowId]),
    );
}

/** `schedules pause ID [--note]`. */
export async function runSchedulesPause(
  config: ResolvedConfig,
  id: string,
  flags: { note?: string; json?: boolean },
  output: Output,
): Promise<void> {
  const r = await withRpc(config, (rpc) => pauseSchedule(rpc, id, config.namespace, { note: flags.note }));
  if (flags.json) printJson(output, r);
  else output.out(r.changed ? `Paused ${id} at ${r.pausedAt?.toISOString()}.` : `${id} was already paused.`);
}

/** `schedules unpause ID [--note] [--catch-up]`. */
export async function runSchedulesUnpause(
  config: ResolvedConfig,
  id: string,
  flags: { note?: string; catchUp?: boolean; json?: boolean },
  output: Output,
): Promise<void> {
  const r = await withRpc(config, (rpc) =>
    unpauseSchedule(rpc.client, rpc, id, config.namespace, { note: flags.note, catchUp: flags.catchUp }),
  );
  if (flags.json) {
    printJson(
      output,
      r.catchUp ? { ...r, catchUp: { ...backfillJson(r.catchUp), since: r.catchUp.since } } : r,
    );
    return;
  }
  output.out(r.changed ? `Unpaused ${id}.` : `${id} was not paused.`);
  if (r.catchUp) {
    output.out(`Catching up the fires skipped while paused (window from the ${r.catchUp.since}):`);
    printBackfill(output, r.catchUp);
  }
}

/** `schedules trigger ID`. */
export async function runSchedulesTrigger(
  config: ResolvedConfig,
  id: string,
  flags: { json?: boolean },
  output: Output,
): Promise<void> {
  const r = await withRpc(config, (rpc) => triggerSchedule(rpc, id, config.namespace));
  if (flags.json) printJson(output, r);
  else output.out(r.workflowId ? `Triggered ${id}: run ${r.workflowId}` : `Triggered ${id}.`);
}

/** `schedules backfill ID --from T --to T [--force] [--dry-run]`. */
export async function runSchedulesBackfill(
  config: ResolvedConfig,
  id: string,
  flags: { from: string; to: string; force?: boolean; dryRun?: boolean; json?: boolean },
  output: Output,
): Promise<void> {
  const now = new Date();
  const from = parseTimeFlag('from', flags.from, now);
  const to = parseTimeFlag('to', flags.to, now);
  if (to < from) throw new UsageError(`--to ${flags.to} is before --from ${flags.from}`);
  const report = await withRpc(config, async (rpc) =>
    backfillExactlyOnce(rpc.client, rpc, await describeOrThrow(rpc, id, config.namespace), from, to, {
      force: flags.force,
      dryRun: flags.dryRun,
    }),
  );
  if (flags.json)
    printJson(output, {
      ...backfillJson(report),
      dryRun: flags.dryRun === true,
      force: flags.force === true,
    });
  else {
    printBackfill(output, report);
    if (flags.dryRun) output.out('Dry run: nothing was started.');
  }
}

/** A backfill report as `--json` prints it: fire times in the one form users read them. */
function backfillJson(r: BackfillReport) {
  return {
    scheduleId: r.scheduleId,
    from: formatFireTime(r.from),
    to: formatFireTime(r.to),
    fireTimes: r.fireTimes.map(formatFireTime),
    started: r.started.map(formatFireTime),
    skipped: r.skipped.map((s) => ({ fireTime: formatFireTime(s.fireTime), workflowId: s.workflowId })),
  };
}

function printBackfill(output: Output, r: BackfillReport): void {
  output.out(
    `${r.fireTimes.length} fire time(s) of ${r.scheduleId} from ${formatFireTime(r.from)} to ${formatFireTime(r.to)}: ` +
      `${r.started.length} to run, ${r.skipped.length} already ran`,
  );
  const lines = [
    ...r.started.map((t) => [t.getTime(), `  run   ${formatFireTime(t)}`] as const),
    ...r.skipped.map(
      (s) =>
        [s.fireTime.getTime(), `  skip  ${formatFireTime(s.fireTime)} (ran as ${s.workflowId})`] as const,
    ),
  ];
  for (const [, line] of lines.sort((a, b) => a[0] - b[0])) output.out(line);
}

/** `schedules delete ID`. */
export async function runSchedulesDelete(
  config: ResolvedConfig,
  id: string,
  flags: { json?: boolean },
  output: Output,
): Promise<void> {
  await withRpc(config, (rpc) => deleteSchedule(rpc, id, config.namespace));
  if (flags.json) printJson(output, { scheduleId: id, deleted: true });
  else output.out(`Deleted schedule ${id}.`);
}
