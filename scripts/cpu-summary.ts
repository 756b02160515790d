/**
 * `node dist/scripts/cpu-summary.js <file.cpuprofile>... [--top N]`: where a V8 CPU profile's time
 * went, as shares of its samples: by package (node_modules package, durable-cron file, Node
 * internals) and by function. For the profiles scripts/bench/cpu-probe.ts writes.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Where a script belongs: its node_modules package, our file under dist/, a Node module, or V8's own. */
function packageOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'native'})`;
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  const ours = path.split('/dist/')[1];
  if (ours) return `durable-cron: ${ours}`;
  if (path.startsWith('node:')) return path.split('/').slice(0, 2).join('/');
  return path;
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
    const fn = `${frame.functionName || '(anonymous)'} ${pkg}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const idle = byPackage.get('((idle))') ?? 0;
  const lines = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `  ${((100 * n) / total).toFixed(1).padStart(5)} %  ${name}`);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  return [
    `${file}: ${total} samples over ${seconds.toFixed(1)} s, ${((100 * (total - idle)) / total).toFixed(1)} % not idle`,
    'by package:',
    ...lines(byPackage),
    'by function:',
    ...lines(byFunction),
  ].join('\n');
}

function main(argv: readonly string[]): void {
  const topAt = argv.indexOf('--top');
  const top = topAt >= 0 ? Number(argv[topAt + 1]) : 15;
  const files = argv.filter((_, i) => topAt < 0 || (i !== topAt && i !== topAt + 1));
  if (files.length === 0 || argv.includes('--help') || !Number.isInteger(top) || top < 1) {
    console.error('usage: node dist/scripts/cpu-summary.js <file.cpuprofile>... [--top N (default 15)]');
    process.exitCode = 2;
    return;
  }
  for (const file of files) console.log(summarize(file, top));
}

main(process.argv.slice(2));
