/**
 * Draws the fire lag of chaos runs as an SVG chart (no dependency): one dot per fire at its offset
 * from the start of the run and its lag (first step's effect − fire time), one colour per design;
 * fires that were lost are crosses on the top band, and the p99 target is a dashed line.
 * Usage: node dist/scripts/chaos-chart.js OUT.svg RESULT.json[=LABEL] [RESULT.json[=LABEL] ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChaosResult } from './chaos/shared';

const COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#862e9c'];
const W = 900;
/** Height of one legend row. */
const ROW = 16;
const TARGET_S = 15;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function main(): void {
  const [out, ...files] = process.argv.slice(2);
  if (!out || files.length === 0) {
    process.stderr.write('usage: chaos-chart OUT.svg RESULT.json[=LABEL] [RESULT.json[=LABEL] ...]\n');
    process.exit(2);
  }
  const runs = files.map((arg) => {
    const [file = arg, label] = arg.split('=');
    const result = (JSON.parse(readFileSync(file, 'utf8')) as { result: ChaosResult }).result;
    return label ? { ...result, design: label } : result;
  });
  const H = 400 + ROW * runs.length;
  const M = { left: 60, right: 20, top: 50, bottom: 44 + ROW * runs.length };
  const span = Math.max(...runs.map((r) => Date.parse(r.window.to) - Date.parse(r.window.from))) / 1000;
  const maxLag = Math.max(TARGET_S * 1.4, ...runs.flatMap((r) => r.effects.lagSeconds)) * 1.05;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (s: number) => M.left + (s / span) * plotW;
  const y = (lag: number) => M.top + plotH - (Math.max(0, lag) / maxLag) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="20" font-size="15" font-weight="bold">Fire lag under faults (first step's effect − fire time)</text>`,
  ];
  // Axes and grid.
  const step = maxLag > 40 ? 10 : 5;
  for (let v = 0; v <= maxLag; v += step) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${v} s</text>`,
    );
  }
  const tick = span > 300 ? 60 : span > 100 ? 20 : 10;
  for (let t = 0; t <= span; t += tick) {
    parts.push(`<text x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - M.bottom + 34}" text-anchor="middle">seconds since the faults started</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${y(TARGET_S)}" y2="${y(TARGET_S)}" stroke="#c92a2a" stroke-dasharray="6 4"/>`,
    `<text x="${W - M.right - 4}" y="${y(TARGET_S) - 5}" text-anchor="end" fill="#c92a2a">p99 target ${TARGET_S} s</text>`,
  );
  // Grey bands where a run's Temporal server was down, a line where PostgreSQL restarted.
  for (const run of runs) {
    let down: number | undefined;
    for (const line of run.faults.log) {
      const m = /^\+([\d.]+)s (.*)$/.exec(line);
      if (!m) continue;
      const at = Number(m[1]);
      if (m[2] === 'SIGKILL server') down = at;
      else if (m[2] === 'server restarted' && down !== undefined) {
        parts.push(
          `<rect x="${x(down)}" y="${M.top}" width="${Math.max(1, x(at) - x(down))}" height="${plotH}" fill="#adb5bd" fill-opacity="0.25"/>`,
          `<text x="${x(down) + 2}" y="${M.top + 12}" fill="#495057" font-size="10">server down</text>`,
        );
        down = undefined;
      } else if (m[2] === 'restart PostgreSQL') {
        parts.push(
          `<line x1="${x(at)}" x2="${x(at)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#495057" stroke-dasharray="2 3"/>`,
          `<text x="${x(at) + 2}" y="${M.top + 26}" fill="#495057" font-size="10">PostgreSQL restart</text>`,
        );
      }
    }
  }
  runs.forEach((run, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    const from = Date.parse(run.window.from);
    for (const f of run.effects.lagByFire) {
      parts.push(
        `<circle cx="${x((Date.parse(f.fireTime) - from) / 1000).toFixed(1)}" cy="${y(f.lagSeconds).toFixed(1)}" r="2" fill="${color}" fill-opacity="0.6"/>`,
      );
    }
    for (const id of run.details.missing) {
      const iso = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/.exec(id)?.[1];
      if (!iso) continue;
      const cx = x((Date.parse(iso) - from) / 1000);
      const cy = M.top - 8 - i * 8;
      parts.push(
        `<path d="M${cx - 3},${cy - 3}L${cx + 3},${cy + 3}M${cx - 3},${cy + 3}L${cx + 3},${cy - 3}" stroke="${color}"/>`,
      );
    }
    const lx = M.left + 10;
    const ly = H - M.bottom + 44 + ROW * i;
    parts.push(
      `<circle cx="${lx}" cy="${ly}" r="4" fill="${color}"/>`,
      `<text x="${lx + 8}" y="${ly + 4}">${esc(run.design)}: ${run.lost} lost, ${run.doubled} doubled</text>`,
    );
  });
  parts.push(
    `<text x="${W - M.right}" y="${M.top - 30}" text-anchor="end" fill="#555">× = a lost fire</text>`,
    '</svg>',
  );
  writeFileSync(out, `${parts.join('\n')}\n`);
}

main();
