/**
 * A memory probe preloaded into a worker process by the worker-memory benchmark
 * (`NODE_OPTIONS=--require <this file>`, with DURABLE_CRON_MEMORY_PROBE_DIR set): never part of
 * durable-cron itself, and inert without that variable. On SIGWINCH (a signal neither Node nor the
 * Temporal runtime acts on) the process writes `<dir>/<pid>-<n>.json`: `process.memoryUsage()`
 * before and after a forced GC, V8's heap spaces, and the same for every worker thread (the SDK
 * runs workflows in one), each thread asked over a BroadcastChannel. With
 * DURABLE_CRON_MEMORY_PROBE_SNAPSHOTS=1 every thread also writes a V8 heap snapshot next to it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.DURABLE_CRON_MEMORY_PROBE_DIR;
const snapshots = process.env.DURABLE_CRON_MEMORY_PROBE_SNAPSHOTS === '1';
const CHANNEL = 'durable-cron-memory-probe';
/** How long the main thread waits for the worker threads' replies. */
const THREAD_REPLY_MS = 3_000;

/** One thread's figures, MiB. */
export interface ThreadMemory {
  readonly threadId: number;
  readonly before: Record<string, number>;
  readonly afterGc: Record<string, number>;
  /** V8 heap spaces after the GC: used MiB by space. */
  readonly spacesUsed: Record<string, number>;
  readonly snapshot?: string;
}

/** What one probe writes. */
export interface ProbeReport {
  readonly pid: number;
  readonly seq: number;
  /** VmRSS and VmHWM from /proc, MiB, after the GCs. */
  readonly vmRssMb: number;
  readonly vmHwmMb: number;
  /** Resident MiB by kind of mapping (from /proc/self/smaps), see {@link residentByMapping}. */
  readonly residentMb: Record<string, number>;
  readonly threads: ThreadMemory[];
}

const MIB = 1024 * 1024;

function mib(values: NodeJS.MemoryUsage): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Math.round((v / MIB) * 10) / 10]));
}

function collect(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function measure(seq: number): ThreadMemory {
  const before = mib(process.memoryUsage());
  const gc = collect();
  gc();
  gc();
  const afterGc = mib(process.memoryUsage());
  const spacesUsed = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, Math.round((s.space_used_size / MIB) * 10) / 10]),
  );
  const snapshot =
    snapshots && dir
      ? writeHeapSnapshot(join(dir, `${process.pid}-${seq}-t${threadId}.heapsnapshot`))
      : undefined;
  return { threadId, before, afterGc, spacesUsed, ...(snapshot ? { snapshot } : {}) };
}

function procStatusMb(field: string): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1];
  return kb ? Math.round((Number(kb) / 1024) * 10) / 10 : NaN;
}

/**
 * Resident memory by kind of mapping: `v8 heap+anon` (anonymous mappings: V8's heaps, mmap'd
 * malloc arenas of every thread, thread stacks), `brk heap` (the main malloc arena), and each
 * mapped file by name (the node binary, the Temporal core bridge, other libraries).
 */
function residentByMapping(): Record<string, number> {
  const kb = new Map<string, number>();
  let current = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1] ?? '';
      current =
        path === ''
          ? 'v8 heap+anon'
          : path === '[heap]'
            ? 'brk heap'
            : path.startsWith('[')
              ? path
              : (path.split('/').pop() ?? path);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb.set(current, (kb.get(current) ?? 0) + Number(rss[1]));
  }
  return Object.fromEntries(
    [...kb.entries()]
      .filter(([, v]) => v >= 512)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, Math.round((v / 1024) * 10) / 10]),
  );
}

if (dir) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (isMainThread) {
    let seq = 0;
    const replies = new Map<number, ThreadMemory[]>();
    channel.onmessage = (event) => {
      const data = (event as { data: { reply?: ThreadMemory; seq: number } }).data;
      if (data.reply) replies.get(data.seq)?.push(data.reply);
    };
    process.on('SIGWINCH', () => {
      const n = ++seq;
      replies.set(n, []);
      channel.postMessage({ seq: n });
      setTimeout(() => {
        const threads = [measure(n), ...(replies.get(n) ?? [])];
        replies.delete(n);
        const report: ProbeReport = {
          pid: process.pid,
          seq: n,
          vmRssMb: procStatusMb('VmRSS'),
          vmHwmMb: procStatusMb('VmHWM'),
          residentMb: residentByMapping(),
          threads,
        };
        const file = join(dir, `${process.pid}-${n}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
        renameSync(`${file}.tmp`, file);
      }, THREAD_REPLY_MS).unref();
    });
  } else {
    channel.onmessage = (event) => {
      const data = (event as { data: { reply?: ThreadMemory; seq: number } }).data;
      if (!data.reply) channel.postMessage({ seq: data.seq, reply: measure(data.seq) });
    };
  }
}
