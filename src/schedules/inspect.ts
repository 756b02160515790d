/**
 * Reading schedules for people: a row per schedule for `schedules list`, and everything about
 * one schedule for `schedules describe`. Next fire times are the server's own (its next action
 * times, with jitter applied).
 */
import {
  WorkflowNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleSummary,
} from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { and, quote } from '../query';
import { CUSTOMER, ENV, JOB_TYPE, MANAGED_BY, MANAGED_BY_VALUE } from '../search-attributes';
import { syncOf } from './definition';
import type { FireRun } from './fire-runs';
import { MANAGED_QUERY } from './plan';
import { mapConcurrent } from './rpc';
import type { ScheduleRpc } from './schedule-rpc';
import { specSummary } from './spec-model';
import { SCHEDULED_BY_ID, SCHEDULED_START_TIME } from '../search-attributes';
import { formatFireTime } from '../rfc3339';

/** One row of `schedules list`. */
export interface ScheduleRow {
  readonly id: string;
  readonly type: string;
  readonly customer: string;
  readonly env: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly paused: boolean;
  readonly note: string;
  readonly nextFire?: string;
  readonly lastRunStatus?: string;
  readonly lastRunWorkflowId?: string;
  readonly managed: boolean;
  /** The project of the jobs file that last applied it; '' when none is recorded. */
  readonly project: string;
}

/** Filters of {@link listSchedules}. */
export interface ListFilters {
  readonly customer?: string;
  readonly env?: string;
  /** Only paused schedules. */
  readonly paused?: boolean;
  /** Include schedules durable-cron does not manage. */
  readonly all?: boolean;
  /**
   * Only schedules recorded under this project. Filtered after the list call: the project is
   * part of the sync record, which a visibility query can only match whole.
   */
  readonly project?: string;
}

function attr(attrs: TypedSearchAttributes | undefined, key: typeof CUSTOMER): string {
  return attrs?.get(key) ?? '';
}

/** The visibility query for `filters`; every value is quoted. */
export function listQuery(filters: ListFilters): string | undefined {
  const q = and(
    filters.all ? undefined : MANAGED_QUERY,
    filters.customer === undefined ? undefined : `${CUSTOMER.name} = ${quote(filters.customer)}`,
    filters.env === undefined ? undefined : `${ENV.name} = ${quote(filters.env)}`,
    filters.paused ? 'TemporalSchedulePaused = true' : undefined,
  );
  return q === '' ? undefined : q;
}

async function lastRunStatus(client: Client, s: ScheduleSummary): Promise<[string?, string?]> {
  const workflowId = s.info.recentActions.at(-1)?.action.workflow.workflowId;
  if (workflowId === undefined) return [];
  try {
    return [(await client.workflow.getHandle(workflowId).describe()).status.name, workflowId];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return ['GONE', workflowId];
    throw err;
  }
}

/** Rows for the schedules matching `filters`, sorted by id. */
export async function listSchedules(
  rpc: ScheduleRpc,
  filters: ListFilters,
  now: Date = new Date(),
): Promise<ScheduleRow[]> {
  const summaries = (await rpc.list(listQuery(filters)))
    .filter((s) => filters.project === undefined || syncOf(s).project === filters.project)
    .sort((a, b) => (a.scheduleId < b.scheduleId ? -1 : 1));
  const statuses = await mapConcurrent(summaries, 8, (s) => rpc.counted(() => lastRunStatus(rpc.client, s)));
  return summaries.map((s, i) => {
    const status = statuses[i];
    const [lastStatus, lastWorkflowId] = status?.ok ? status.value : [];
    // The list's next action times are as of the server's last look at the schedule: skip any passed.
    const next = s.state.paused ? undefined : s.info.nextActionTimes.find((t) => t >= now);
    const sa = s.typedSearchAttributes;
    return {
      id: s.scheduleId,
      type: attr(sa, JOB_TYPE) || (s.action?.workflowType ?? ''),
      customer: attr(sa, CUSTOMER),
      env: attr(sa, ENV),
      schedule: s.spec ? specSummary(s.spec) : '',
      timezone: s.spec?.timezone ?? 'UTC',
      paused: s.state.paused,
      note: s.state.note ?? '',
      ...(next ? { nextFire: formatFireTime(next) } : {}),
      ...(lastStatus ? { lastRunStatus: lastStatus, lastRunWorkflowId: lastWorkflowId } : {}),
      managed: sa?.get(MANAGED_BY) === MANAGED_BY_VALUE,
      project: syncOf(s).project ?? '',
    };
  });
}

/** Everything `schedules describe` shows. */
export interface ScheduleDetails {
  readonly description: ScheduleDescription;
  /** The next fire times as the server lists them (with jitter applied), at most 10. */
  readonly nextFireTimes: readonly Date[];
  /** When durable-cron paused it, if it did. */
  readonly pausedAt?: Date;
  /** The project of the jobs file that last applied it, if one is recorded. */
  readonly project?: string;
  /** The most recent scheduled runs, newest first, at most 10. */
  readonly recentRuns: readonly FireRun[];
}

/** Recent runs the schedule started (by visibility), newest fire time first. */
export async function recentRuns(client: Client, scheduleId: string, limit = 10): Promise<FireRun[]> {
  const runs: FireRun[] = [];
  let read = 0;
  for await (const wf of client.workflow.list({ query: `${SCHEDULED_BY_ID.name} = ${quote(scheduleId)}` })) {
    const fire = wf.typedSearchAttributes.get(SCHEDULED_START_TIME);
    if (fire) {
      runs.push({
        workflowId: wf.workflowId,
        runId: wf.runId,
        fireTime: fire.toISOString(),
        status: wf.status.name,
        startTime: wf.startTime,
        closeTime: wf.closeTime,
      });
    }
    // Visibility cannot sort by fire time; read a bounded number and sort here.
    if (++read >= 500) break;
  }
  return runs
    .sort((a, b) => (a.fireTime < b.fireTime ? 1 : a.fireTime > b.fireTime ? -1 : 0))
    .slice(0, limit);
}

/** Describes a schedule with its next fire times and recent runs. */
export async function scheduleDetails(
  rpc: ScheduleRpc,
  description: ScheduleDescription,
  now: Date = new Date(),
): Promise<ScheduleDetails> {
  const nextFireTimes = description.info.nextActionTimes.filter((t) => t >= now).slice(0, 10);
  const runs = await rpc.counted(() => recentRuns(rpc.client, description.scheduleId));
  const sync = syncOf(description);
  const pausedAt = description.state.paused ? sync.pausedAt : undefined;
  return {
    description,
    nextFireTimes,
    recentRuns: runs,
    ...(pausedAt ? { pausedAt } : {}),
    ...(sync.project ? { project: sync.project } : {}),
  };
}
