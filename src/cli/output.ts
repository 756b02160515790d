/** Printing for the CLI: human tables by default, JSON with `--json`. */
import { printRows } from '../table';

/** Where commands write. Tests pass their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Resolves once written output has been flushed (streaming commands wait on it). */
  drained?(): Promise<void>;
}

/** The process's stdout/stderr. */
export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  drained: () =>
    process.stdout.writableNeedDrain
      ? new Promise((done) => process.stdout.once('drain', () => done()))
      : Promise.resolve(),
};

/** Prints a value as pretty JSON. */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** Prints rows as an aligned table with a header. */
export function printTable(output: Output, headers: string[], rows: string[][]): void {
  printRows((line) => output.out(line), headers, rows);
}
