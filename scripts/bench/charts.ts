/**
 * The charts of the bench report, one SVG per section (report data in, SVG text out; no I/O):
 * fire lag, throughput, memory, and the three scale sections. bench-charts.ts reads and writes.
 */
import { COLORS, formatNumber, TARGET_COLOR } from '../svg-chart';
import { barPanel, linePanel, renderFigure, type LegendEntry, type Line } from '../svg-figure';
import {
  ChartInputError,
  readFireLag,
  readMemory,
  readScaleApply,
  readScaleLag,
  readScaleRuns,
  readThroughput,
  type ApplyPoint,
  type FireLagData,
  type MemoryEntry,
  type PickedSection,
  type RunsPoint,
  type ScaleLagPoint,
  type ThroughputEntry,
} from './chart-data';
import type { Report } from './report';

/** Systems in the order (and so the colours) every chart gives them. */
const SYSTEM_ORDER = ['durable-cron', 'raw SDK', 'BullMQ'];
/** Memory target of a durable-cron worker process (scripts/bench/memory.ts). */
const MEMORY_TARGET_MB = 250;

/** The distinct `names`: known systems first, in {@link SYSTEM_ORDER}, then the rest as they come. */
function ordered(names: readonly string[]): string[] {
  const rank = (n: string) => (SYSTEM_ORDER.includes(n) ? SYSTEM_ORDER.indexOf(n) : SYSTEM_ORDER.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b));
}

function colorOf(names: readonly string[], name: string): string {
  return COLORS[names.indexOf(name) % COLORS.length] ?? '#000';
}

/** Distinct numbers, ascending. */
function sizes(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Lag is shown in seconds once it reaches 10 s, in ms below. */
function lagUnit(maxMs: number): { unit: string; per: number } {
  return maxMs >= 10_000 ? { unit: 's', per: 1000 } : { unit: 'ms', per: 1 };
}

/** The caption of every chart: when, by which command, on what machine. */
export function captionOf(report: Report): string {
  const date = new Date(report.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  const { cores, cpu, memory } = report.machine;
  const machine = [cores === undefined ? undefined : `${cores} cores`, cpu, memory].filter(
    (v) => v !== undefined,
  );
  return [`${date} UTC`, report.command, machine.join(', ')].filter((part) => part !== '').join(' · ');
}

/** 'Fire lag': the distribution of both systems from their percentiles, else bars of p50/p95/p99/max. */
export function fireLagChart(data: FireLagData, caption: string): string {
  const lags = [data.ours, data.raw];
  const names = ordered(lags.map((l) => l.system));
  const { unit, per } = lagUnit(Math.max(0, ...lags.map((l) => l.summary.max).filter(Number.isFinite)));
  const axisLabel = `lag (${unit}): first activity's start − fire time`;
  const withCounts = (mark: LegendEntry['mark']) =>
    lags.map((l) => ({
      name: `${l.system} (${formatNumber(l.summary.count)} of ${formatNumber(l.expected)} fires)`,
      color: colorOf(names, l.system),
      mark,
    }));
  if (lags.every((l) => l.percentiles)) {
    const lines: Line[] = lags.map((l) => ({
      name: l.system,
      color: colorOf(names, l.system),
      dots: false,
      points: (l.percentiles ?? []).map((ms, p) => [ms / per, p] as const),
    }));
    return renderFigure({
      title: 'Fire lag: share of fires started within a lag',
      panels: [
        linePanel({ x: { label: axisLabel }, y: { label: '% of fires', format: (v) => `${v}%` }, lines }),
      ],
      legend: withCounts('line'),
      caption,
    });
  }
  const stats = ['p50', 'p95', 'p99', 'max'] as const;
  return renderFigure({
    title: 'Fire lag: percentiles',
    panels: [
      barPanel({
        groups: [...stats],
        groupLabel: 'percentile of the fires',
        y: { label: axisLabel },
        bars: lags.map((l) => ({
          name: l.system,
          color: colorOf(names, l.system),
          values: stats.map((s) => l.summary[s] / per),
        })),
      }),
    ],
    legend: withCounts('bar'),
    caption,
  });
}

function processGroups(processes: readonly number[]): string[] {
  return processes.map((p) => `${p} worker process${p === 1 ? '' : 'es'}`);
}

/** 'Throughput': runs/s of each system's last batch, grouped by process count, on a log scale. */
export function throughputChart(entries: readonly ThroughputEntry[], caption: string): string {
  const names = ordered(entries.map((e) => e.system));
  const processes = sizes(entries.map((e) => e.processes));
  const rate = (system: string, p: number) => {
    const batches = entries.find((e) => e.system === system && e.processes === p)?.batches ?? [];
    return batches[batches.length - 1]?.runsPerSecond ?? NaN;
  };
  const rates = entries.flatMap((e) => names.map((n) => rate(n, e.processes))).filter((v) => v > 0);
  // A decade under the smallest value's, so the short bars keep some height on the log axis.
  const min = 10 ** (Math.floor(Math.log10(Math.min(...rates, 10))) - 1);
  return renderFigure({
    title: 'Throughput: runs completed per second (warm batch)',
    panels: [
      barPanel({
        groups: processGroups(processes),
        groupLabel: 'worker processes per system',
        y: { label: 'runs per second (log scale)', log: true, min },
        bars: names.map((n) => ({
          name: n,
          color: colorOf(names, n),
          values: processes.map((p) => rate(n, p)),
        })),
      }),
    ],
    legend: names.map((n) => ({ name: n, color: colorOf(names, n), mark: 'bar' })),
    caption,
  });
}

/** 'Memory': the largest peak RSS of any worker process, per system and process count, with the target. */
export function memoryChart(entries: readonly MemoryEntry[], caption: string): string {
  const names = ordered(entries.map((e) => e.system));
  const processes = sizes(entries.map((e) => e.processes));
  const peakMb = (system: string, p: number) => {
    const kb = entries.find((e) => e.system === system && e.processes === p)?.peakKb ?? [];
    return kb.length ? Math.max(...kb) / 1024 : NaN;
  };
  return renderFigure({
    title: 'Memory: peak RSS of the largest worker process',
    panels: [
      barPanel({
        groups: processGroups(processes),
        groupLabel: 'worker processes per system',
        y: { label: 'peak RSS (MB)' },
        bars: names.map((n) => ({
          name: n,
          color: colorOf(names, n),
          values: processes.map((p) => peakMb(n, p)),
        })),
        target: { value: MEMORY_TARGET_MB },
      }),
    ],
    legend: [
      ...names.map((n): LegendEntry => ({ name: n, color: colorOf(names, n), mark: 'bar' })),
      { name: `durable-cron target: < ${MEMORY_TARGET_MB} MB`, color: TARGET_COLOR, mark: 'dashed' },
    ],
    caption,
  });
}

/** One line per distinct `key` of `items`, through (x, y) of each. */
function linesBy<T>(
  items: readonly T[],
  key: (t: T) => string,
  x: (t: T) => number,
  y: (t: T) => number,
): Line[] {
  const names = ordered(items.map(key));
  return names.map((name) => ({
    name,
    color: colorOf(names, name),
    points: items
      .filter((t) => key(t) === name)
      .map((t) => [x(t), y(t)] as const)
      .sort((a, b) => a[0] - b[0]),
  }));
}

function legendOf(lines: readonly Line[]): LegendEntry[] {
  return lines.map((l) => ({ name: l.name, color: l.color, mark: l.dashed ? 'dashed' : 'line' }));
}

/** 'Scale: apply': seconds of each phase against the number of jobs, log-log. */
export function scaleApplyChart(points: readonly ApplyPoint[], caption: string): string {
  const lines = linesBy(
    points,
    (p) => p.phase,
    (p) => p.jobs,
    (p) => p.seconds,
  );
  const jobs = sizes(points.map((p) => p.jobs));
  return renderFigure({
    title: 'Scale: time to apply a jobs file',
    panels: [
      linePanel({
        x: { label: 'jobs in the file (log scale)', log: true, ticks: jobs },
        y: { label: 'seconds (log scale)', log: true },
        lines,
      }),
    ],
    legend: legendOf(lines),
    caption,
  });
}

/** 'Scale: runs list and audit': seconds and peak RSS of each command against the number of runs. */
export function scaleRunsChart(points: readonly RunsPoint[], caption: string): string {
  const x = { label: 'runs on the server (log scale)', log: true, ticks: sizes(points.map((p) => p.runs)) };
  const by = (y: (p: RunsPoint) => number) =>
    linesBy(
      points,
      (p) => p.command,
      (p) => p.runs,
      y,
    );
  const seconds = by((p) => p.seconds);
  return renderFigure({
    title: 'Scale: listing and auditing runs',
    panels: [
      linePanel({ title: 'Time', x, y: { label: 'seconds (log scale)', log: true }, lines: seconds }),
      linePanel({ title: 'Memory', x, y: { label: 'peak RSS (MB)' }, lines: by((p) => p.peakRssMb) }),
    ],
    legend: legendOf(seconds),
    caption,
  });
}

/** 'Scale: fire lag': p99 (solid) and p50 (dashed) lag of each system against the number of schedules. */
export function scaleLagChart(points: readonly ScaleLagPoint[], caption: string): string {
  const { unit, per } = lagUnit(Math.max(0, ...points.map((p) => p.summary.p99).filter(Number.isFinite)));
  const of = (stat: 'p50' | 'p99') =>
    linesBy(
      points,
      (p) => p.system,
      (p) => p.schedules,
      (p) => p.summary[stat] / per,
    ).map((l) => ({ ...l, name: `${l.name} ${stat}`, dashed: stat === 'p50' }));
  const p99 = of('p99');
  const p50 = of('p50');
  const lines = p99.flatMap((l, i) => [l, ...(p50[i] ? [p50[i]] : [])]);
  return renderFigure({
    title: 'Scale: fire lag against the number of schedules',
    panels: [
      linePanel({
        x: { label: 'schedules (log scale)', log: true, ticks: sizes(points.map((p) => p.schedules)) },
        y: { label: `lag (${unit})` },
        lines,
      }),
    ],
    legend: legendOf(lines),
    caption,
  });
}

/** A chart: the section it draws and the file it is written to. */
export interface ChartKind {
  readonly title: string;
  readonly file: string;
  /** @throws {ChartInputError} naming the bad field of `data` */
  render(data: unknown, caption: string): string;
}

/** Every chart, in the report's order. */
export const CHARTS: readonly ChartKind[] = [
  { title: 'Fire lag', file: 'fire-lag.svg', render: (d, c) => fireLagChart(readFireLag(d), c) },
  { title: 'Throughput', file: 'throughput.svg', render: (d, c) => throughputChart(readThroughput(d), c) },
  { title: 'Memory', file: 'memory.svg', render: (d, c) => memoryChart(readMemory(d), c) },
  { title: 'Scale: apply', file: 'scale-apply.svg', render: (d, c) => scaleApplyChart(readScaleApply(d), c) },
  {
    title: 'Scale: runs list and audit',
    file: 'scale-runs.svg',
    render: (d, c) => scaleRunsChart(readScaleRuns(d), c),
  },
  { title: 'Scale: fire lag', file: 'scale-lag.svg', render: (d, c) => scaleLagChart(readScaleLag(d), c) },
];

/** The charts of the picked sections, and what could not be charted. */
export interface Charts {
  readonly charts: readonly { readonly file: string; readonly svg: string; readonly from: PickedSection }[];
  /** Charts with no section in the reports. */
  readonly absent: readonly ChartKind[];
  /** Sections that have no chart. */
  readonly unknown: readonly PickedSection[];
}

/**
 * Every chart whose section was picked (see newestSections).
 * @throws {ChartInputError} `<file>: section '<title>': <field> must be ...`
 */
export function renderCharts(picked: ReadonlyMap<string, PickedSection>): Charts {
  const charts = CHARTS.flatMap((kind) => {
    const from = picked.get(kind.title);
    if (!from) return [];
    try {
      return [{ file: kind.file, svg: kind.render(from.section.data, captionOf(from.report)), from }];
    } catch (e) {
      if (!(e instanceof ChartInputError)) throw e;
      throw new ChartInputError(`${from.file}: section '${kind.title}': ${e.message}`);
    }
  });
  return {
    charts,
    absent: CHARTS.filter((kind) => !picked.has(kind.title)),
    unknown: [...picked.values()].filter((p) => !CHARTS.some((kind) => kind.title === p.section.title)),
  };
}
