/**
 * Aligned text tables, the one renderer of every command's table: columns two spaces apart, the
 * last column not padded, a header line first. Rows stream: column widths come from the first
 * `sample` rows (all of them by default), and later rows reuse those widths.
 */

/** Where a table prints, one line at a time. */
export type LineSink = (line: string) => void;

/** A table receiving rows one by one. */
export interface TableWriter {
  row(cells: readonly string[]): void;
  /** Prints what is still held (the header and sampled rows of a short table). */
  end(): void;
}

/**
 * A table with `headers`, printing to `out`.
 * @param sample rows looked at before the column widths are fixed @default every row (until `end`)
 */
export function tableWriter(
  out: LineSink,
  headers: readonly string[],
  sample: number = Number.POSITIVE_INFINITY,
): TableWriter {
  let held: (readonly string[])[] | undefined = [];
  let widths: number[] = [];
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const flush = () => {
    if (!held) return;
    const rows = held;
    held = undefined;
    widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    out(line(headers));
    for (const r of rows) out(line(r));
  };
  return {
    row(cells) {
      if (!held) {
        out(line(cells));
        return;
      }
      held.push(cells);
      if (held.length >= sample) flush();
    },
    end: flush,
  };
}

/** Prints `rows` as one table. */
export function printRows(
  out: LineSink,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const table = tableWriter(out, headers);
  for (const r of rows) table.row(r);
  table.end();
}
