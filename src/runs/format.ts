/**
 * Streaming writers for `runs list`: each row is written as soon as it arrives, never collected.
 *
 * - table: column widths come from the first rows (up to {@link TABLE_SAMPLE}); later rows reuse them.
 * - json: one JSON array, one run object per line (`[`, `{…},`, …, `]`), valid for `jq` and easy to
 *   process line by line.
 * - csv: RFC 4180, a header line then one line per run.
 */
import { humanDuration } from '../duration';
import { formatFireTime } from '../rfc3339';
import { tableWriter as alignedTable, type LineSink } from '../table';
import type { RunRow } from './list';

/** A writer receiving rows one by one. */
export interface RowWriter {
  row(row: RunRow): void;
  /** Flushes and closes the output (e.g. the JSON array's `]`). */
  end(): void;
}

/** Rows the table writer looks at before fixing column widths. */
export const TABLE_SAMPLE = 100;

const TABLE_HEADERS = ['WORKFLOW ID', 'JOB', 'CUSTOMER', 'ENV', 'FIRE TIME', 'STATUS', 'DURATION', 'WEB UI'];

function tableCells(r: RunRow): string[] {
  return [
    r.workflowId,
    r.job ?? '-',
    r.customer ?? '-',
    r.env ?? '-',
    r.fireTime ? formatFireTime(r.fireTime) : '-',
    r.status,
    humanDuration(r.durationMs),
    r.url,
  ];
}

/** An aligned table; widths fixed after the first {@link TABLE_SAMPLE} rows. */
export function tableWriter(out: LineSink): RowWriter {
  const table = alignedTable(out, TABLE_HEADERS, TABLE_SAMPLE);
  return { row: (r) => table.row(tableCells(r)), end: () => table.end() };
}

/** A JSON array with one run object per line. */
export function jsonWriter(out: LineSink): RowWriter {
  let previous: string | undefined;
  let started = false;
  return {
    row(r) {
      if (!started) {
        out('[');
        started = true;
      }
      if (previous !== undefined) out(`${previous},`);
      previous = JSON.stringify(r);
    },
    end() {
      if (!started) {
        out('[]');
        return;
      }
      if (previous !== undefined) out(previous);
      out(']');
    },
  };
}

/** Columns of the CSV output, in order. */
export const CSV_COLUMNS: readonly (keyof RunRow)[] = [
  'workflowId',
  'runId',
  'job',
  'type',
  'customer',
  'env',
  'fireTime',
  'status',
  'startTime',
  'closeTime',
  'durationMs',
  'url',
];

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header line. */
export function csvWriter(out: LineSink): RowWriter {
  out(CSV_COLUMNS.join(','));
  return {
    row: (r) => out(CSV_COLUMNS.map((c) => csvField(r[c])).join(',')),
    end: () => {},
  };
}
