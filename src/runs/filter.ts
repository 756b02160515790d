/**
 * The typed filter of `runs list` and the visibility query built from it. Every user value goes
 * through {@link quote}; only the raw `--query` is passed as written, wrapped in parentheses and
 * ANDed with the rest, so it can narrow the result but never widen the typed parts.
 */
import { UsageError } from '../errors';
import { and, quote, quoteTime } from '../query';
import { parseTimeFlag } from '../time-flag';

/** Statuses `--status` accepts. `compensated` is our `outcome` attribute, the others Temporal's. */
export const RUN_STATUSES = [
  'running',
  'completed',
  'failed',
  'canceled',
  'terminated',
  'timed-out',
  'compensated',
] as const;

/** One of {@link RUN_STATUSES}. */
export type RunStatus = (typeof RUN_STATUSES)[number];

const EXECUTION_STATUS: Record<Exclude<RunStatus, 'compensated'>, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
};

/** A validated filter; every field optional, all given fields must match. */
export interface RunsFilter {
  readonly customer?: string;
  readonly env?: string;
  /** Job id (= schedule id). */
  readonly job?: string;
  /** Job type. */
  readonly type?: string;
  /** Any of these statuses. */
  readonly statuses?: readonly RunStatus[];
  /** Start time, inclusive. */
  readonly since?: Date;
  readonly until?: Date;
  /** Nominal fire time, inclusive. */
  readonly firedFrom?: Date;
  readonly firedTo?: Date;
  /** A raw visibility filter, ANDed with the typed parts. */
  readonly query?: string;
}

/** The filter flags as typed on the command line. */
export interface RunsFilterFlags {
  customer?: string;
  env?: string;
  job?: string;
  type?: string;
  /** Checked by the option's parser (`choiceListArg`). */
  status?: readonly RunStatus[];
  since?: string;
  until?: string;
  firedFrom?: string;
  firedTo?: string;
  query?: string;
}

/**
 * Validates the filter flags.
 * @param now reference for relative times such as `24h` (= 24 hours before now)
 * @throws {UsageError} naming the flag and the valid forms
 */
export function parseRunsFilter(flags: RunsFilterFlags, now: Date = new Date()): RunsFilter {
  const text = (flag: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (value.trim() === '') throw new UsageError(`--${flag} must not be empty`);
    return value;
  };
  const filter: RunsFilter = {
    customer: text('customer', flags.customer),
    env: text('env', flags.env),
    job: text('job', flags.job),
    type: text('type', flags.type),
    statuses: flags.status,
    since: parseTimeFlag('since', flags.since, now),
    until: parseTimeFlag('until', flags.until, now),
    firedFrom: parseTimeFlag('fired-from', flags.firedFrom, now),
    firedTo: parseTimeFlag('fired-to', flags.firedTo, now),
    query: rawQuery(text('query', flags.query)),
  };
  if (filter.since && filter.until && filter.since > filter.until) {
    throw new UsageError('--since must not be after --until');
  }
  if (filter.firedFrom && filter.firedTo && filter.firedFrom > filter.firedTo) {
    throw new UsageError('--fired-from must not be after --fired-to');
  }
  return filter;
}

/**
 * Checks that `--query` is one self-contained expression: its parentheses balance and its string
 * literals close. It is wrapped in parentheses and ANDed with the typed filters, so a stray `)`
 * could otherwise close that wrapper and OR past them (`x = '') OR (WorkflowId != ''`).
 * @throws {UsageError} naming the character
 */
export function rawQuery(query: string | undefined): string | undefined {
  if (query === undefined) return undefined;
  const problem = (what: string, at: number) =>
    new UsageError(
      `--query ${what} at character ${at + 1}: the filter must be one complete expression ` +
        `(it is ANDed with the other filters), e.g. "WorkflowType = 'dailySummary'"`,
    );
  let depth = 0;
  let quoteChar: string | undefined;
  let quoteAt = 0;
  const opened: number[] = [];
  for (let i = 0; i < query.length; i += 1) {
    const c = query[i] as string;
    if (quoteChar !== undefined) {
      if (c === '\\') i += 1;
      else if (c === quoteChar) quoteChar = undefined;
    } else if (c === "'" || c === '"' || c === '`') {
      quoteChar = c;
      quoteAt = i;
    } else if (c === '(') {
      depth += 1;
      opened.push(i);
    } else if (c === ')') {
      if (depth === 0) throw problem("has a ')' without a matching '('", i);
      depth -= 1;
      opened.pop();
    }
  }
  if (quoteChar !== undefined) throw problem(`has an unclosed ${quoteChar} quote`, quoteAt);
  if (depth > 0) throw problem("has an unclosed '('", opened.at(-1) ?? 0);
  return query;
}

/** Visibility stores fire times in a form a whole-second literal does not compare equal to. */
const FIRE_TIME_PAD_MS = 1_000;

/**
 * Builds the visibility query of a filter. Fire-time bounds are padded by a second (see
 * {@link matchesFireWindow}, which callers must apply to each result).
 */
export function buildRunsQuery(filter: RunsFilter): string {
  const eq = (attribute: string, value: string | undefined) =>
    value === undefined ? undefined : `${attribute} = ${quote(value)}`;
  const statuses = (filter.statuses ?? []).map((status) =>
    status === 'compensated'
      ? `outcome = ${quote('compensated')}`
      : `ExecutionStatus = ${quote(EXECUTION_STATUS[status])}`,
  );
  return and(
    eq('customer', filter.customer),
    eq('env', filter.env),
    filter.job === undefined
      ? undefined
      : `TemporalScheduledById = ${quote(filter.job)} OR jobId = ${quote(filter.job)}`,
    eq('jobType', filter.type),
    statuses.length === 0 ? undefined : statuses.join(' OR '),
    filter.since && `StartTime >= ${quoteTime(filter.since)}`,
    filter.until && `StartTime <= ${quoteTime(filter.until)}`,
    filter.firedFrom &&
      `TemporalScheduledStartTime >= ${quoteTime(new Date(filter.firedFrom.getTime() - FIRE_TIME_PAD_MS))}`,
    filter.firedTo &&
      `TemporalScheduledStartTime <= ${quoteTime(new Date(filter.firedTo.getTime() + FIRE_TIME_PAD_MS))}`,
    filter.query,
  );
}

/** True when the filter has fire-time bounds, which the server can only apply approximately. */
export function hasFireWindow(filter: RunsFilter): boolean {
  return filter.firedFrom !== undefined || filter.firedTo !== undefined;
}

/** Applies the exact fire-time bounds to a run's nominal fire time. */
export function matchesFireWindow(filter: RunsFilter, fireTime: Date | undefined): boolean {
  if (!hasFireWindow(filter)) return true;
  if (!fireTime) return false;
  if (filter.firedFrom && fireTime < filter.firedFrom) return false;
  if (filter.firedTo && fireTime > filter.firedTo) return false;
  return true;
}
