/**
 * The input of bench-charts: bench reports read from JSON and checked, the newest section of each
 * title across reports, and the figures of each charted section, checked field by field so bad input
 * fails with the field's path before any chart is written.
 */
import type { Report, Section } from './report';
import type { Summary } from './stats';

/** Input that cannot be charted; the message names the file (and the field). */
export class ChartInputError extends Error {}

/** A report and the file it came from. */
export interface LoadedReport {
  readonly file: string;
  readonly report: Report;
}

/** A section picked for a chart, with the report it belongs to. */
export interface PickedSection extends LoadedReport {
  readonly section: Section;
}

/** Fire lag of one system (scripts/bench/fire-lag.ts). */
export interface LagSeries {
  readonly system: string;
  readonly expected: number;
  readonly summary: Summary;
  /** Lag in ms at p0..p100 (nearest rank), when the report has it. */
  readonly percentiles?: readonly number[];
}

/** 'Fire lag' data. */
export interface FireLagData {
  readonly ours: LagSeries;
  readonly raw: LagSeries;
}

/** One 'Throughput' entry: a system with a process count; the figure is its last batch's. */
export interface ThroughputEntry {
  readonly system: string;
  readonly processes: number;
  readonly batches: readonly { readonly runsPerSecond: number }[];
}

/** One 'Memory' entry: peak RSS of each worker process, kB. */
export interface MemoryEntry {
  readonly system: string;
  readonly processes: number;
  readonly peakKb: readonly number[];
}

/** One 'Scale: apply' point. */
export interface ApplyPoint {
  readonly jobs: number;
  readonly phase: string;
  readonly seconds: number;
}

/** One 'Scale: runs list and audit' point. */
export interface RunsPoint {
  readonly runs: number;
  readonly command: string;
  readonly seconds: number;
  readonly peakRssMb: number;
}

/** One 'Scale: fire lag' point. */
export interface ScaleLagPoint {
  readonly schedules: number;
  readonly system: string;
  readonly summary: Summary;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const json = JSON.stringify(v);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

function fail(path: string, what: string, got: unknown): never {
  throw new ChartInputError(`${path} must be ${what}, got ${describe(got)}`);
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Record<string, unknown>;
}

function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') fail(path, 'a non-empty string', v);
  return v;
}

/** A number; JSON has no NaN, so `null` (a statistic of no values) reads as NaN. */
function num(v: unknown, path: string): number {
  if (v === null) return NaN;
  if (typeof v !== 'number') fail(path, 'a number', v);
  return v;
}

/** Each item of the array at `path`, read by `read`. */
function each<T>(v: unknown, path: string, read: (item: Record<string, unknown>, path: string) => T): T[] {
  return list(v, path).map((item, i) => read(record(item, `${path}[${i}]`), `${path}[${i}]`));
}

function summary(v: unknown, path: string): Summary {
  const s = record(v, path);
  const [count, p50, p95, p99, max] = (['count', 'p50', 'p95', 'p99', 'max'] as const).map((k) =>
    num(s[k], `${path}.${k}`),
  ) as [number, number, number, number, number];
  return { count, p50, p95, p99, max };
}

function lagSeries(v: unknown, path: string): LagSeries {
  const o = record(v, path);
  const base = {
    system: text(o.system, `${path}.system`),
    expected: num(o.expected, `${path}.expected`),
    summary: summary(o.summary, `${path}.summary`),
  };
  if (o.percentiles === undefined) return base;
  const percentiles = list(o.percentiles, `${path}.percentiles`);
  if (percentiles.length !== 101) {
    throw new ChartInputError(
      `${path}.percentiles must have 101 values (p0..p100), got ${percentiles.length}`,
    );
  }
  return { ...base, percentiles: percentiles.map((p, i) => num(p, `${path}.percentiles[${i}]`)) };
}

/** 'Fire lag' data. @throws {ChartInputError} naming the bad field */
export function readFireLag(data: unknown): FireLagData {
  const o = record(data, 'data');
  return { ours: lagSeries(o.ours, 'data.ours'), raw: lagSeries(o.raw, 'data.raw') };
}

/** 'Throughput' data. @throws {ChartInputError} naming the bad field */
export function readThroughput(data: unknown): ThroughputEntry[] {
  return each(data, 'data', (o, path) => {
    const batches = each(o.batches, `${path}.batches`, (b, p) => ({
      runsPerSecond: num(b.runsPerSecond, `${p}.runsPerSecond`),
    }));
    if (batches.length === 0) fail(`${path}.batches`, 'a non-empty array', []);
    return {
      system: text(o.system, `${path}.system`),
      processes: num(o.processes, `${path}.processes`),
      batches,
    };
  });
}

/** 'Memory' data. @throws {ChartInputError} naming the bad field */
export function readMemory(data: unknown): MemoryEntry[] {
  return each(data, 'data', (o, path) => ({
    system: text(o.system, `${path}.system`),
    processes: num(o.processes, `${path}.processes`),
    peakKb: list(o.peakKb, `${path}.peakKb`).map((kb, i) => num(kb, `${path}.peakKb[${i}]`)),
  }));
}

function points<T>(data: unknown, read: (item: Record<string, unknown>, path: string) => T): T[] {
  return each(record(data, 'data').points, 'data.points', read);
}

/** 'Scale: apply' points. @throws {ChartInputError} naming the bad field */
export function readScaleApply(data: unknown): ApplyPoint[] {
  return points(data, (o, path) => ({
    jobs: num(o.jobs, `${path}.jobs`),
    phase: text(o.phase, `${path}.phase`),
    seconds: num(o.seconds, `${path}.seconds`),
  }));
}

/** 'Scale: runs list and audit' points. @throws {ChartInputError} naming the bad field */
export function readScaleRuns(data: unknown): RunsPoint[] {
  return points(data, (o, path) => ({
    runs: num(o.runs, `${path}.runs`),
    command: text(o.command, `${path}.command`),
    seconds: num(o.seconds, `${path}.seconds`),
    peakRssMb: num(o.peakRssMb, `${path}.peakRssMb`),
  }));
}

/** 'Scale: fire lag' points. @throws {ChartInputError} naming the bad field */
export function readScaleLag(data: unknown): ScaleLagPoint[] {
  return points(data, (o, path) => ({
    schedules: num(o.schedules, `${path}.schedules`),
    system: text(o.system, `${path}.system`),
    summary: summary(o.summary, `${path}.summary`),
  }));
}

/**
 * A bench report from the text of `file`.
 * @throws {ChartInputError} `<file>: ...` when it is not JSON or not a bench report
 */
export function parseReport(file: string, json: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new ChartInputError(`${file}: not JSON (${(e as Error).message})`);
  }
  try {
    const o = record(value, 'the report');
    const startedAt = text(o.startedAt, 'startedAt');
    if (Number.isNaN(Date.parse(startedAt))) fail('startedAt', 'an ISO date', startedAt);
    record(o.machine, 'machine');
    each(o.sections, 'sections', (s, path) => text(s.title, `${path}.title`));
    return value as Report;
  } catch (e) {
    if (!(e instanceof ChartInputError)) throw e;
    throw new ChartInputError(`${file}: not a bench report: ${e.message}`);
  }
}

/**
 * For each section title, the section from the newest report (by `startedAt`) that has it: a full
 * run may be split across several `--only` runs. Of reports started at the same time, the later one
 * given wins.
 */
export function newestSections(reports: readonly LoadedReport[]): Map<string, PickedSection> {
  const picked = new Map<string, PickedSection>();
  for (const loaded of reports) {
    for (const section of loaded.report.sections) {
      const held = picked.get(section.title);
      if (!held || Date.parse(loaded.report.startedAt) >= Date.parse(held.report.startedAt)) {
        picked.set(section.title, { ...loaded, section });
      }
    }
  }
  return picked;
}
