/**
 * The bench's arithmetic and report: nearest-rank percentiles, ratios, flag parsing with one-line
 * errors, and the Markdown report with MET / NOT MET lines. No timings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fireTimeOfWorkflowId } from '../../scripts/bench/lag-record';
import { parseBenchArgs } from '../../scripts/bench/options';
import { formatMarkdown, markdownTable } from '../../scripts/bench/report';
import { percentile, percentiles, ratio, summarize } from '../../scripts/bench/stats';

describe('bench percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 95), 95);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('gives the whole distribution as p0..p100', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 1..200
    const all = percentiles(values);
    assert.equal(all.length, 101);
    assert.equal(all[0], 1);
    assert.equal(all[50], 100);
    assert.equal(all[99], 198);
    assert.equal(all[100], 200);
    assert.deepEqual(percentiles([]), []);
  });

  it('summarizes p50, p95, p99 and max', () => {
    const s = summarize([5, 1, 9, 3, 1000]);
    assert.deepEqual(s, { count: 5, p50: 5, p95: 1000, p99: 1000, max: 1000 });
  });

  it('prints ratios with two decimals, n/a without a positive baseline', () => {
    assert.equal(ratio(110, 100), '1.10');
    assert.equal(ratio(1, 0), 'n/a');
    assert.equal(ratio(NaN, 3), 'n/a');
  });
});

describe('bench fire times', () => {
  it('reads the nominal fire time from a scheduled run workflow id', () => {
    assert.equal(
      fireTimeOfWorkflowId('lag-ours-3-2026-12-01T11:05:44Z')?.toISOString(),
      '2026-12-01T11:05:44.000Z',
    );
    assert.equal(fireTimeOfWorkflowId('tp-ours-1p-b1-17'), undefined);
  });
});

describe('bench flags', () => {
  it('has full-size defaults and smaller quick ones', () => {
    const full = parseBenchArgs([]);
    assert.equal(full.schedules, 300);
    assert.equal(full.runs, 2000);
    assert.deepEqual(full.processes, [1, 2]);
    const quick = parseBenchArgs(['--quick', '--runs', '50', '--only', 'throughput,memory']);
    assert.equal(quick.schedules, 20);
    assert.equal(quick.runs, 50);
    assert.deepEqual(quick.processes, [1], 'quick: one worker process');
    assert.deepEqual(parseBenchArgs(['--quick', '--processes', '1,2']).processes, [1, 2]);
    assert.deepEqual(quick.only, ['throughput', 'memory']);
    assert.deepEqual(full.applySizes, [100, 1000, 5000]);
    assert.deepEqual(full.runsSizes, [1000, 10_000, 50_000]);
    assert.deepEqual(full.lagSizes, [100, 300, 1000]);
    assert.deepEqual(parseBenchArgs(['--runs-sizes', '10,20']).runsSizes, [10, 20]);
    assert.ok(quick.applySizes.every((n) => n <= 100));
    assert.equal(full.servers, 'fresh', 'a full run measures each on a fresh dev server');
    assert.equal(quick.servers, 'shared', 'quick shares one dev server');
    assert.equal(parseBenchArgs(['--quick', '--servers', 'fresh']).servers, 'fresh');
  });

  it('names the bad flag and the valid values', () => {
    assert.throws(() => parseBenchArgs(['--runs', '0']), {
      message: "--runs must be a positive integer, got '0'",
    });
    assert.throws(() => parseBenchArgs(['--only', 'speed']), {
      message:
        "--only: unknown benchmark 'speed'; valid: fire-lag, throughput, memory, scale-apply, scale-lag, scale-runs",
    });
    assert.throws(() => parseBenchArgs(['--apply-sizes', '100,x']), {
      message: "--apply-sizes must be a positive integer, got 'x'",
    });
    assert.throws(() => parseBenchArgs(['--servers', 'many']), {
      message: "--servers must be fresh or shared, got 'many'",
    });
    assert.throws(() => parseBenchArgs(['--apply-server', 'k8s']), {
      message: "--apply-server must be dev or cluster, got 'k8s'",
    });
    assert.throws(() => parseBenchArgs(['--fast']), /unknown flag --fast; valid: --quick, --only/);
  });
});

describe('bench report', () => {
  it('writes tables and says which targets were met', () => {
    assert.equal(
      markdownTable([
        ['a', 'b'],
        ['1', 'x|y'],
      ]),
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
    const md = formatMarkdown({
      startedAt: 't0',
      finishedAt: 't1',
      command: 'npm run bench -- --quick',
      machine: { cores: 2 },
      versions: { node: 'v20' },
      server: 'dev server',
      options: {},
      sections: [
        {
          title: 'Fire lag',
          table: [
            ['system', 'p99 ms'],
            ['durable-cron', '120'],
          ],
          checks: [
            { what: 'p99 ratio', value: '1.05', target: '<= 1.1', met: true },
            { what: 'peak RSS', value: '300 MB', target: '< 250 MB', met: false },
          ],
          notes: ['method'],
          tables: [
            {
              title: 'Where the time went',
              rows: [
                ['phase', 's'],
                ['create', '1.5'],
              ],
            },
          ],
          data: {},
        },
      ],
    });
    assert.match(md, /`npm run bench -- --quick`/);
    assert.match(md, /\| cores \| 2 \|/);
    assert.match(md, /## Fire lag\n\n\| system \| p99 ms \|/);
    assert.match(md, /- MET: p99 ratio 1\.05 \(target <= 1\.1\)/);
    assert.match(md, /- NOT MET: peak RSS 300 MB \(target < 250 MB\)/);
    assert.match(md, /Where the time went:\n\n\| phase \| s \|\n\| --- \| --- \|\n\| create \| 1\.5 \|/);
  });
});
