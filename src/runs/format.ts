/**
 * Streaming writers for `runs list`: each row is written as soon as it arrives, never collected.
 *
 * - table: column widths come from the first rows (up to {@link TABLE_SAMPLE}); later rows reuse them.
 * - json: one JSON array, one run object per line (`[`, `{…},`, …, `]`), valid for `jq` and easy to
 *   process line by line.
 * - csv: RFC 4180, a header line then one line per run.
 */
import type { RunRow } from './list';

/** Where a writer prints, one line at a time. */
export type LineSink = (line: string) => void;

/** A writer receiving rows one by one. */
export interface RowWriter {
  row(row: RunRow): void;
  /** Flushes and closes the output (e.g. the JSON array's `]`). */
  end(): void;
}

/** Rows the table writer looks at before fixing column widths. */
export const TABLE_SAMPLE = 100;

const TABLE_HEADERS = ['WORKFLOW ID', 'JOB', 'CUSTOMER', 'ENV', 'FIRE TIME', 'STATUS', 'DURATION', 'WEB UI'];

/** Human duration of a run: `850ms`, `12.3s`, `4m05s`, `2h03m`. */
export function humanDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

function tableCells(r: RunRow): string[] {
  return [
    r.workflowId,
    r.job ?? '-',
    r.customer ?? '-',
    r.env ?? '-',
    r.fireTime?.replace('.000Z', 'Z') ?? '-',
    r.status,
    humanDuration(r.durationMs),
    r.url,
  ];
}

/** An aligned table; widths fixed after the first {@link TABLE_SAMPLE} rows. */
export function tableWriter(out: LineSink): RowWriter {
  let sample: string[][] | undefined = [];
  let widths: number[] = [];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const flushSample = () => {
    if (!sample) return;
    const rows = sample;
    sample = undefined;
    widths = TABLE_HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    out(line(TABLE_HEADERS));
    for (const r of rows) out(line(r));
  };
  return {
    row(r) {
      if (sample) {
        sample.push(tableCells(r));
        if (sample.length >= TABLE_SAMPLE) flushSample();
      } else {
        out(line(tableCells(r)));
      }
    },
    end: flushSample,
  };
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
