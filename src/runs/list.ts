/**
 * Listing runs as a stream: visibility pages are fetched lazily and each run is turned into a row
 * as it arrives, so a listing of 100,000 runs holds one page in memory at a time.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { uiRunUrl, type ResolvedConfig } from '../config';
import {
  CUSTOMER,
  ENV,
  JOB_ID,
  JOB_TYPE,
  OUTCOME,
  SCHEDULED_BY_ID,
  SCHEDULED_START_TIME,
} from '../search-attributes';
import { buildRunsQuery, hasFireWindow, matchesFireWindow, type RunsFilter } from './filter';
import { formatFireTime } from '../rfc3339';

/** One run as `runs list` prints it. */
export interface RunRow {
  readonly workflowId: string;
  readonly runId: string;
  /** Job id: the `jobId` attribute, else the schedule that started the run. */
  readonly job: string | null;
  /** Job type: the `jobType` attribute, else the workflow type. */
  readonly type: string;
  readonly customer: string | null;
  readonly env: string | null;
  /** Nominal fire time (RFC 3339 UTC); null for runs no schedule started. */
  readonly fireTime: string | null;
  /** One of running, completed, failed, canceled, terminated, timed-out, continued-as-new, compensated. */
  readonly status: string;
  readonly startTime: string;
  readonly closeTime: string | null;
  /** Close minus start time; null while running. */
  readonly durationMs: number | null;
  /** The run's history in the Web UI. */
  readonly url: string;
}

/** Options of {@link listRuns}. */
export interface ListRunsOptions {
  /** Stop after this many rows; undefined for all. */
  readonly limit?: number;
  /** Visibility page size. @default 500, or the limit when smaller */
  readonly pageSize?: number;
}

/** Our status name for a run: `compensated` when the outcome says so, else Temporal's status. */
export function runStatus(info: Pick<WorkflowExecutionInfo, 'status' | 'typedSearchAttributes'>): string {
  if (info.typedSearchAttributes.get(OUTCOME) === 'compensated') return 'compensated';
  if (info.status.name === 'CANCELLED') return 'canceled';
  return info.status.name.toLowerCase().replace(/_/g, '-');
}

/** Converts one visibility record into a row. */
export function toRunRow(
  info: Omit<WorkflowExecutionInfo, 'raw'>,
  config: Pick<ResolvedConfig, 'uiUrl' | 'namespace'>,
): RunRow {
  const attrs = info.typedSearchAttributes;
  const fire = attrs.get(SCHEDULED_START_TIME);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    job: attrs.get(JOB_ID) ?? attrs.get(SCHEDULED_BY_ID) ?? null,
    type: attrs.get(JOB_TYPE) ?? info.type,
    customer: attrs.get(CUSTOMER) ?? null,
    env: attrs.get(ENV) ?? null,
    fireTime: fire ? formatFireTime(fire) : null,
    status: runStatus(info),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime ? info.closeTime.toISOString() : null,
    durationMs: info.closeTime ? info.closeTime.getTime() - info.startTime.getTime() : null,
    url: uiRunUrl(config, info.workflowId, info.runId),
  };
}

/**
 * Streams the runs matching `filter`, newest first as visibility returns them. Fire-time bounds
 * are applied exactly here (the query pads them).
 */
export async function* listRuns(
  client: Client,
  config: Pick<ResolvedConfig, 'uiUrl' | 'namespace'>,
  filter: RunsFilter,
  options: ListRunsOptions = {},
): AsyncGenerator<RunRow> {
  const limit = options.limit ?? Infinity;
  if (limit <= 0) return;
  const exact = hasFireWindow(filter);
  // A small --limit fetches one small page (fire-window filtering may drop rows, so not then);
  // long listings use pages of 500, which keeps the memory of one page in flight small.
  const pageSize = options.pageSize ?? (exact || limit > 500 ? 500 : Math.max(limit, 1));
  let emitted = 0;
  for await (const info of client.workflow.list({ query: buildRunsQuery(filter), pageSize })) {
    if (exact && !matchesFireWindow(filter, info.typedSearchAttributes.get(SCHEDULED_START_TIME))) continue;
    yield toRunRow(info, config);
    if (++emitted >= limit) return;
  }
}

/**
 * Counts the runs matching `filter` with the count API; with fire-time bounds, which visibility
 * can only approximate, by streaming instead.
 */
export async function countRuns(client: Client, filter: RunsFilter): Promise<number> {
  if (!hasFireWindow(filter)) return (await client.workflow.count(buildRunsQuery(filter))).count;
  let count = 0;
  for await (const info of client.workflow.list({ query: buildRunsQuery(filter), pageSize: 1000 })) {
    if (matchesFireWindow(filter, info.typedSearchAttributes.get(SCHEDULED_START_TIME))) count++;
  }
  return count;
}
