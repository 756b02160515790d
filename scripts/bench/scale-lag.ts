/**
 * Scale curve of fire lag: durable-cron's worker pool and the raw SDK baseline at growing numbers
 * of schedules (e.g. 100 / 300 / 1,000) that all fire at the same moments, one system after the
 * other, each on a fresh dev server (see fire-lag.ts for how lag is measured).
 */
import type { BenchContext } from './context';
import { measurementServer } from './fresh-server';
import { measureLagFresh, type LagResult } from './fire-lag';
import type { Section } from './report';
import { ratio, type Summary } from './stats';

/** One system at one size. */
export interface LagPoint {
  readonly schedules: number;
  readonly system: string;
  readonly expected: number;
  readonly summary: Summary;
}

/** Runs the benchmark and returns its report section. */
export async function scaleLag(ctx: BenchContext): Promise<Section> {
  const { lagSizes, scaleEvery: every, scaleDuration: duration, lagProcesses } = ctx.options;
  ctx.log(
    `scale: fire lag at ${lagSizes.join(' / ')} schedules every ${every}s for ${duration}s, ${lagProcesses} worker process(es)`,
  );
  const points: LagPoint[] = [];
  for (const schedules of lagSizes) {
    for (const system of ['durable-cron', 'raw SDK'] as const) {
      const r: LagResult = await measureLagFresh(ctx, system, {
        schedules,
        every,
        duration,
        tag: `s${schedules}`,
      });
      points.push({ schedules, system, expected: r.expected, summary: r.summary });
      ctx.log(
        `  ${String(schedules).padStart(5)} schedules  ${system.padEnd(13)} fires ${r.summary.count}/${r.expected}  lag ms p50 ${r.summary.p50} p99 ${r.summary.p99} max ${r.summary.max}`,
      );
    }
  }
  const at = (schedules: number, system: string) =>
    points.find((p) => p.schedules === schedules && p.system === system) as LagPoint;
  const cell = (p: LagPoint) =>
    `${p.summary.count}/${p.expected}, ${p.summary.p50.toFixed(0)} / ${p.summary.p99.toFixed(0)}`;
  return {
    title: 'Scale: fire lag',
    table: [
      [
        'schedules',
        'durable-cron fires, p50 / p99 ms',
        'raw SDK fires, p50 / p99 ms',
        'p99 ratio durable-cron / raw SDK',
      ],
      ...lagSizes.map((s) => [
        String(s),
        cell(at(s, 'durable-cron')),
        cell(at(s, 'raw SDK')),
        ratio(at(s, 'durable-cron').summary.p99, at(s, 'raw SDK').summary.p99),
      ]),
    ],
    checks: lagSizes.map((s) => {
      const p = at(s, 'durable-cron');
      return {
        what: `every fire ran at ${s} schedules (durable-cron)`,
        value: `${p.summary.count}/${p.expected}`,
        target: 'all',
        met: p.summary.count === p.expected,
      };
    }),
    notes: [
      `At each size both systems have the given number of schedules, all firing every ${every} s at the same moments (a burst of that many starts), fires of ${duration} s measured once every schedule has run once; each system and size on ${measurementServer(ctx)}; ${lagProcesses} worker process(es) per system; lag as in the fire-lag benchmark.`,
    ],
    data: { points },
  };
}
