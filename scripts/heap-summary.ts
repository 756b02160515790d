/**
 * `node dist/scripts/heap-summary.js <a.heapsnapshot> [<b.heapsnapshot>] [--top N]`: the V8 heap
 * snapshot's self sizes summed by node type and constructor name, largest first; with two
 * snapshots, the difference b - a per group. Reads the snapshots that
 * `bench-worker-memory.js --snapshots` writes (or any `v8.writeHeapSnapshot()` file).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly strings: string[];
}

/** Group → [count, self bytes]. */
type Summary = Map<string, [number, number]>;

function summarize(path: string): Summary {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups: Summary = new Map();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt] ?? 0] ?? '?';
    const rawName = data.strings[data.nodes[i + nameAt] ?? 0] ?? '';
    // Strings and code are grouped by type; objects by constructor.
    const name =
      type === 'object' || type === 'closure' || type === 'native' || type === 'hidden'
        ? rawName.slice(0, 60)
        : '';
    const key = `${type}${name ? ` ${name}` : ''}`;
    const group = groups.get(key) ?? [0, 0];
    group[0] += 1;
    group[1] += data.nodes[i + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2);
}

function main(argv: readonly string[]): void {
  let top = 25;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else files.push(argv[i] ?? '');
  }
  const [first, second] = files;
  if (!first) {
    console.error('usage: heap-summary <a.heapsnapshot> [<b.heapsnapshot>] [--top N]');
    process.exitCode = 2;
    return;
  }
  const a = summarize(first);
  const total = (s: Summary) => [...s.values()].reduce((n, [, size]) => n + size, 0);
  if (!second) {
    console.log(`${first}: ${mb(total(a))} MB self size in all`);
    const rows = [...a.entries()].sort((x, y) => y[1][1] - x[1][1]).slice(0, top);
    for (const [key, [count, size]] of rows)
      console.log(`${mb(size).padStart(9)} MB ${String(count).padStart(9)}  ${key}`);
    return;
  }
  const b = summarize(second);
  console.log(
    `${first}: ${mb(total(a))} MB; ${second}: ${mb(total(b))} MB; difference ${mb(total(b) - total(a))} MB`,
  );
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys]
    .map((key) => {
      const [ca, sa] = a.get(key) ?? [0, 0];
      const [cb, sb] = b.get(key) ?? [0, 0];
      return { key, count: cb - ca, size: sb - sa };
    })
    .sort((x, y) => Math.abs(y.size) - Math.abs(x.size))
    .slice(0, top);
  for (const r of rows) console.log(`${mb(r.size).padStart(9)} MB ${String(r.count).padStart(9)}  ${r.key}`);
}

main(process.argv.slice(2));
