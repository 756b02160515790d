/**
 * Benchmark 3, memory: each worker process's peak RSS (`VmHWM` in /proc/<pid>/status) during the
 * throughput batches, its RSS after them, and RSS growth from the end of the first batch to the end
 * of the last: a process that keeps something per run grows with every batch, one that does not
 * stays flat once its caches are warm. RSS is used because the worker processes are separate
 * processes this script cannot force a GC in; RSS after a batch includes V8 heap not yet collected
 * and memory the allocator keeps, so small growth is noise and only a steady climb means a leak.
 */
import { readFileSync } from 'node:fs';
import type { Check, Section } from './report';
import { mb, ratio } from './stats';

/** One /proc reading of a process, in kB. */
export interface MemoryReading {
  readonly rssKb: number;
  readonly hwmKb: number;
}

/** Reads VmRSS and VmHWM of `pid`; undefined when it has exited. */
export function readMemory(pid: number): MemoryReading | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    const hwm = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return rss && hwm ? { rssKb: Number(rss), hwmKb: Number(hwm) } : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the peak RSS of a set of processes every 250 ms until stopped. */
export class MemorySampler {
  private readonly peakKb = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[]) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  private sample(): void {
    for (const pid of this.pids) {
      const m = readMemory(pid);
      if (m) this.peakKb.set(pid, Math.max(this.peakKb.get(pid) ?? 0, m.hwmKb, m.rssKb));
    }
  }

  /** Each process's RSS now, in kB (0 when it has exited). */
  rssNow(): number[] {
    return this.pids.map((pid) => readMemory(pid)?.rssKb ?? 0);
  }

  /** Stops sampling; each process's peak RSS seen, in kB. */
  stop(): number[] {
    this.sample();
    clearInterval(this.timer);
    return this.pids.map((pid) => this.peakKb.get(pid) ?? 0);
  }
}

/** Memory of one worker configuration over its batches. */
export interface MemoryResult {
  readonly system: string;
  readonly processes: number;
  /** Per process, kB. */
  readonly peakKb: number[];
  /** Per process, after each batch, kB. */
  readonly rssAfterBatchKb: number[][];
}

/** The largest RSS growth of any process from the first batch's end to the last's, kB. */
export function growthKb(r: MemoryResult): number {
  const first = r.rssAfterBatchKb[0] ?? [];
  const last = r.rssAfterBatchKb[r.rssAfterBatchKb.length - 1] ?? [];
  return Math.max(...first.map((kb, i) => (last[i] ?? kb) - kb));
}

/** The report section of the memory figures. */
export function memorySection(results: readonly MemoryResult[], limitMb = 250): Section {
  const table = [
    [
      'system',
      'processes',
      'peak RSS per process MB',
      'RSS after each batch MB',
      'growth first to last batch MB',
      'durable-cron / this, peak',
    ],
  ];
  const peakOf = (r: MemoryResult | undefined) => (r ? Math.max(...r.peakKb) : NaN);
  const checks: Check[] = [];
  for (const r of results) {
    table.push([
      r.system,
      String(r.processes),
      r.peakKb.map(mb).join(', '),
      r.rssAfterBatchKb.map((batch) => batch.map(mb).join(' + ')).join(' / '),
      r.rssAfterBatchKb.length > 1 ? mb(growthKb(r)) : '-',
      r.system === 'durable-cron'
        ? ''
        : ratio(
            peakOf(results.find((x) => x.system === 'durable-cron' && x.processes === r.processes)),
            peakOf(r),
          ),
    ]);
    if (r.system === 'durable-cron') {
      const peak = Math.max(...r.peakKb);
      checks.push({
        what: `durable-cron peak RSS per worker process, ${r.processes} process(es)`,
        value: `${mb(peak)} MB`,
        target: `< ${limitMb} MB`,
        met: peak / 1024 < limitMb,
      });
    }
  }
  return {
    title: 'Memory',
    table,
    checks,
    notes: [
      'Peak RSS = the highest VmHWM/VmRSS read from /proc/<pid>/status of each worker process every 250 ms during the throughput batches; RSS after each batch is read 2 s after the batch finished.',
      'Growth = the largest RSS increase of one process from the end of the first batch to the end of the last. RSS (not heapUsed after a forced GC) because the worker processes are separate processes the bench cannot force a GC in; it includes uncollected garbage and memory the allocator keeps, so only a growth that repeats with every batch indicates a leak.',
    ],
    data: results,
  };
}
