/** The files of bench-charts: the bench reports it reads. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartInputError, parseReport, type LoadedReport } from './chart-data';

/** Where `npm run bench` writes its reports (scripts/bench/options.ts). */
export const REPORTS_DIR = 'bench/results';

/**
 * Every `*.json` report in `dir`, by name.
 * @throws {ChartInputError} when the folder cannot be read or has no report
 */
export function reportFiles(dir = REPORTS_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new ChartInputError(`${dir}: cannot read the folder (${(e as Error).message})`);
  }
  const files = names.filter((n) => n.endsWith('.json')).sort();
  if (files.length === 0) throw new ChartInputError(`${dir}: no *.json reports; run npm run bench first`);
  return files.map((n) => join(dir, n));
}

/**
 * Reads and checks every report in `files`.
 * @throws {ChartInputError} `<file>: ...` for the first file that cannot be read or is not a report
 */
export function loadReports(files: readonly string[]): LoadedReport[] {
  return files.map((file) => {
    let json: string;
    try {
      json = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ChartInputError(`${file}: cannot read (${(e as Error).message})`);
    }
    return { file, report: parseReport(file, json) };
  });
}
