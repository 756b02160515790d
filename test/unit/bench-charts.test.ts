/**
 * The bench charts: which report each section is taken from, one well-formed SVG per section with
 * every series and a point or bar per figure, absent sections skipped, and bad input refused with
 * the file named and nothing written. Synthetic reports in a temp folder; no benchmark runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChartInputError, newestSections, parseReport } from '../../scripts/bench/chart-data';
import { loadReports, reportFiles } from '../../scripts/bench/chart-files';
import { renderCharts } from '../../scripts/bench/charts';
import { combinedMarkdown } from '../../scripts/bench/combined';
import type { Report, Section } from '../../scripts/bench/report';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'bench-charts.js');
const dir = mkdtempSync(join(tmpdir(), 'durable-cron-charts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function section(title: string, data: unknown): Section {
  return { title, table: [], checks: [], notes: [], data };
}

function report(startedAt: string, sections: Section[]): Report {
  return {
    startedAt,
    finishedAt: startedAt,
    command: 'npm run bench',
    machine: { cores: 2, cpu: 'Test CPU' },
    versions: {},
    server: 'dev server',
    options: {},
    sections,
  };
}

/** Writes `r` as `<dir>/<name>` and returns the path. */
function write(name: string, r: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof r === 'string' ? r : JSON.stringify(r));
  return path;
}

const summary = (p50: number) => ({ count: 90, p50, p95: p50 * 2, p99: p50 * 3, max: p50 * 4 });
const lag = (system: string, p50: number, percentiles?: number[]) => ({
  system,
  expected: 90,
  summary: summary(p50),
  ...(percentiles ? { percentiles } : {}),
});
const batch = (runsPerSecond: number) => ({
  runs: 100,
  completed: 100,
  seconds: 100 / runsPerSecond,
  runsPerSecond,
});

const FIRE_LAG = section('Fire lag', {
  ours: lag(
    'durable-cron',
    800,
    Array.from({ length: 101 }, (_, p) => 500 + p * 10),
  ),
  raw: lag(
    'raw SDK',
    600,
    Array.from({ length: 101 }, (_, p) => 400 + p * 8),
  ),
});
const THROUGHPUT = section(
  'Throughput',
  ['durable-cron', 'raw SDK', 'BullMQ'].flatMap((system, i) =>
    [1, 2].map((processes) => ({
      system,
      processes,
      batches: [batch(7.77), batch(20 * (i + 1) ** 3 * processes)],
    })),
  ),
);
const MEMORY = section(
  'Memory',
  ['durable-cron', 'BullMQ'].flatMap((system) =>
    [1, 2].map((processes) => ({
      system,
      processes,
      peakKb: Array.from({ length: processes }, (_, i) => 200_000 + 10_000 * i),
      rssAfterBatchKb: [],
    })),
  ),
);
const PHASES = [
  'sequential create',
  'raw SDK parallel create',
  'fresh apply',
  'no-change re-apply',
  '10% changed',
];
const SCALE_APPLY = section('Scale: apply', {
  points: [100, 1000, 5000].flatMap((jobs) =>
    PHASES.map((phase, i) => ({ jobs, phase, seconds: (jobs / 100) * (i + 1), rpcs: jobs, rpcCounts: {} })),
  ),
});
const COMMANDS = ['durable-cron runs list', 'temporal workflow list', 'durable-cron audit'];
const SCALE_RUNS = section('Scale: runs list and audit', {
  points: [1000, 10_000].flatMap((runs) =>
    COMMANDS.map((command, i) => ({
      runs,
      command,
      seconds: runs / 1000 + i,
      peakRssMb: 80 + i * 20,
      rows: runs,
    })),
  ),
});
const SCALE_LAG = section('Scale: fire lag', {
  points: [100, 300, 1000].flatMap((schedules) =>
    ['durable-cron', 'raw SDK'].map((system) => ({
      schedules,
      system,
      expected: 90,
      summary: summary(schedules),
    })),
  ),
});
const ALL = [FIRE_LAG, THROUGHPUT, MEMORY, SCALE_APPLY, SCALE_RUNS, SCALE_LAG];

/** Tags balance and nest, attributes are quoted, text has no stray `<` or `&`; one `svg` root. */
function assertWellFormed(svg: string): void {
  const open: string[] = [];
  let roots = 0;
  let last = 0;
  for (const m of svg.matchAll(/<[^>]*>/g)) {
    const between = svg.slice(last, m.index);
    assert.doesNotMatch(between, /<|&(?!(amp|lt|gt|quot|#\d+);)/, `stray text before ${m[0]}`);
    last = m.index + m[0].length;
    const tag =
      /^<(\/?)([a-z][\w-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot);[^"<&]*)*")*)\s*(\/?)>$/.exec(m[0]);
    assert.ok(tag, `malformed tag ${m[0]}`);
    const [, closing, name = '', , selfClosing] = tag;
    if (open.length === 0) roots++;
    if (closing) assert.equal(open.pop(), name, `</${name}> closes another element`);
    else if (!selfClosing) open.push(name);
  }
  assert.deepEqual(open, [], 'unclosed elements');
  assert.equal(roots, 1);
  assert.match(svg, /^<svg /);
}

function count(svg: string, pattern: RegExp): number {
  return svg.match(pattern)?.length ?? 0;
}

describe('bench charts: input', () => {
  it('takes each section from the newest report that has it', () => {
    const older = write('a-older.json', report('2026-12-01T10:00:00.000Z', [FIRE_LAG, THROUGHPUT]));
    const newer = write(
      'b-newer.json',
      report('2026-12-01T11:00:00.000Z', [section('Fire lag', FIRE_LAG.data)]),
    );
    // Given newest first, the older report still does not win the section both have.
    const picked = newestSections(loadReports([newer, older]));
    assert.equal(picked.get('Fire lag')?.file, newer);
    assert.equal(picked.get('Throughput')?.file, older);
    assert.deepEqual([...picked.keys()].sort(), ['Fire lag', 'Throughput']);
    assert.deepEqual(reportFiles(dir), [older, newer]);
  });

  it('refuses what is not a bench report, naming the file and the field', () => {
    assert.throws(
      () => parseReport('x.json', '{"startedAt": '),
      (e: Error) => {
        assert.ok(e instanceof ChartInputError);
        assert.match(e.message, /^x\.json: not JSON \(/);
        return true;
      },
    );
    assert.throws(() => parseReport('y.json', '{"results": []}'), {
      message: 'y.json: not a bench report: startedAt must be a non-empty string, got nothing',
    });
    assert.throws(
      () => parseReport('z.json', JSON.stringify({ ...report('2026-12-01T10:00:00Z', []), sections: {} })),
      {
        message: 'z.json: not a bench report: sections must be an array, got {}',
      },
    );
    assert.throws(() => loadReports([join(dir, 'missing.json')]), /missing\.json: cannot read \(ENOENT/);
  });

  it('refuses a charted section with bad data, naming the file, the section and the field', () => {
    const bad = report('2026-12-01T10:00:00.000Z', [
      section('Throughput', [{ system: 'BullMQ', processes: 1, batches: [{ runsPerSecond: 'fast' }] }]),
    ]);
    assert.throws(() => renderCharts(newestSections([{ file: 'r.json', report: bad }])), {
      message: `r.json: section 'Throughput': data[0].batches[0].runsPerSecond must be a number, got "fast"`,
    });
    const short = report('2026-12-01T10:00:00.000Z', [
      section('Fire lag', { ours: lag('durable-cron', 1, [1, 2]), raw: lag('raw SDK', 1) }),
    ]);
    assert.throws(() => renderCharts(newestSections([{ file: 'r.json', report: short }])), {
      message: "r.json: section 'Fire lag': data.ours.percentiles must have 101 values (p0..p100), got 2",
    });
  });
});

describe('bench charts: SVG', () => {
  const { charts, absent } = renderCharts(
    newestSections([{ file: 'all.json', report: report('2026-12-01T10:00:00.000Z', ALL) }]),
  );
  const svgOf = (file: string) => charts.find((c) => c.file === file)?.svg ?? assert.fail(`no ${file}`);

  it('draws one well-formed chart per section, with the run date and machine', () => {
    assert.deepEqual(
      charts.map((c) => c.file),
      ['fire-lag.svg', 'throughput.svg', 'memory.svg', 'scale-apply.svg', 'scale-runs.svg', 'scale-lag.svg'],
    );
    assert.deepEqual(absent, []);
    for (const { file, svg } of charts) {
      assertWellFormed(svg);
      assert.match(svg, /2026-12-01 10:00 UTC · npm run bench · 2 cores, Test CPU/, file);
    }
  });

  it('fire lag: a distribution line per system, or bars of p50/p95/p99/max without percentiles', () => {
    const svg = svgOf('fire-lag.svg');
    assert.match(svg, /durable-cron \(90 of 90 fires\)/);
    assert.match(svg, /raw SDK \(90 of 90 fires\)/);
    const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ').length);
    assert.deepEqual(lines, [101, 101]);
    const bars = renderCharts(
      newestSections([
        {
          file: 'r.json',
          report: report('2026-12-01T10:00:00Z', [
            section('Fire lag', { ours: lag('durable-cron', 800), raw: lag('raw SDK', 600) }),
          ]),
        },
      ]),
    ).charts[0]?.svg;
    assert.ok(bars);
    assertWellFormed(bars);
    assert.equal(count(bars, /class="bar"/g), 8);
    assert.match(bars, />p99</);
  });

  it('throughput: a labelled bar per system and process count, from the last batch', () => {
    const svg = svgOf('throughput.svg');
    assert.equal(count(svg, /class="bar"/g), 6);
    for (const name of ['durable-cron', 'raw SDK', 'BullMQ', '1 worker process', '2 worker processes']) {
      assert.ok(svg.includes(`>${name}<`), name);
    }
    assert.ok(svg.includes('>1,080<'), 'BullMQ with 2 processes: 2 × 20 × 3³ runs/s');
    assert.ok(!svg.includes('>7.77<'), 'the first batch is not charted');
  });

  it('memory: the largest peak per system and process count, and the 250 MB target', () => {
    const svg = svgOf('memory.svg');
    assert.equal(count(svg, /class="bar"/g), 4);
    assert.ok(svg.includes('>205<'), '210,000 kB, the larger of two processes');
    assert.match(svg, /target: &lt; 250 MB/);
    assert.equal(count(svg, /stroke-dasharray="6 4"/g), 1);
  });

  it('scale: a line per phase, command or system, a point per figure', () => {
    const apply = svgOf('scale-apply.svg');
    for (const phase of PHASES) assert.ok(apply.includes(`>${phase}<`), phase);
    assert.equal(count(apply, /<polyline /g), 5);
    assert.equal(count(apply, /class="point"/g), 15);
    assert.ok(apply.includes('>5,000<'), 'the job counts are the x ticks');

    const runs = svgOf('scale-runs.svg');
    for (const command of COMMANDS) assert.ok(runs.includes(`>${command}<`), command);
    assert.equal(count(runs, /<polyline /g), 6, 'seconds and peak RSS, a line per command in each');
    assert.equal(count(runs, /class="point"/g), 12);

    const lagSvg = svgOf('scale-lag.svg');
    for (const name of ['durable-cron p99', 'durable-cron p50', 'raw SDK p99', 'raw SDK p50']) {
      assert.ok(lagSvg.includes(`>${name}<`), name);
    }
    assert.equal(count(lagSvg, /<polyline [^>]*stroke-dasharray/g), 2, 'p50 dashed');
    assert.equal(count(lagSvg, /class="point"/g), 12);
  });

  it('skips the charts whose section no report has', () => {
    const only = renderCharts(
      newestSections([
        { file: 'm.json', report: report('2026-12-01T10:00:00Z', [MEMORY, section('Extra', {})]) },
      ]),
    );
    assert.deepEqual(
      only.charts.map((c) => c.file),
      ['memory.svg'],
    );
    assert.deepEqual(
      only.absent.map((k) => k.title),
      ['Fire lag', 'Throughput', 'Scale: apply', 'Scale: runs list and audit', 'Scale: fire lag'],
    );
    assert.deepEqual(
      only.unknown.map((p) => p.section.title),
      ['Extra'],
    );
  });
});

describe('bench charts: command', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });

  it('writes the charts of the sections present and says which it skipped', () => {
    const file = write('run.json', report('2026-12-01T12:00:00.000Z', [THROUGHPUT, SCALE_LAG]));
    const r = run(file, '--out', 'charts');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'charts')).sort(), [
      'results.md',
      'scale-lag.svg',
      'throughput.svg',
    ]);
    assert.match(r.stdout, /wrote charts\/throughput\.svg/);
    assert.match(r.stdout, /wrote charts\/results\.md/);
    assert.match(r.stdout, /skipped memory\.svg: no 'Memory' section in the reports/);
    assertWellFormed(readFileSync(join(dir, 'charts', 'throughput.svg'), 'utf8'));
  });

  it('exits 2 with one line naming the bad file, writing nothing', () => {
    const good = write('good.json', report('2026-12-01T12:00:00.000Z', [THROUGHPUT]));
    const bad = write('bad.json', '{"startedAt": "2026-12-01T12:00:00Z", "sections": [');
    const r = run(good, bad, '--out', 'never');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^bench-charts: .*bad\.json: not JSON \([^\n]*\)\n$/);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(join(dir, 'never')), false);
  });
});

describe('bench combined results page', () => {
  it('lists the newest section of each kind, oldest run first, each with the run it came from', () => {
    const older = report('2026-12-01T10:00:00.000Z', [
      {
        ...section('Throughput', []),
        table: [
          ['system', 'runs/s'],
          ['durable-cron', '9.5'],
        ],
      },
      section('Fire lag', {}),
    ]);
    const newer = {
      ...report('2026-12-01T11:00:00.000Z', [
        {
          ...section('Fire lag', {}),
          table: [
            ['system', 'p99 ms'],
            ['durable-cron', '120'],
          ],
          checks: [{ what: 'p99 ratio', value: '1.05', target: '<= 1.1', met: true }],
        },
      ]),
      command: 'npm run bench -- --only fire-lag',
    };
    const md = combinedMarkdown(
      newestSections([
        { file: 'new.json', report: newer },
        { file: 'old.json', report: older },
      ]),
    );
    assert.match(md, /\| cores \| 2 \|/);
    const throughputAt = md.indexOf('## Throughput');
    const lagAt = md.indexOf('## Fire lag');
    assert.ok(throughputAt > 0 && lagAt > throughputAt, 'older run first');
    assert.equal(md.split('## Fire lag').length, 2, 'one Fire lag section: the newest');
    assert.match(md, /\| durable-cron \| 120 \|/);
    assert.match(md, /- MET: p99 ratio 1\.05 \(target <= 1\.1\)/);
    assert.match(md, /_From `npm run bench -- --only fire-lag`, 2026-12-01T11:00:00\.000Z/);
    assert.match(md, /_From `npm run bench`, 2026-12-01T10:00:00\.000Z/);
  });
});
