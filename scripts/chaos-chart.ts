/**
 * Draws the fire lag of chaos runs as an SVG chart (no dependency): one dot per fire at its offset
 * from the start of the run and its lag (first step's effect − fire time), one colour per design;
 * fires that were lost are crosses on the top band, and the p99 target is a dashed line.
 * Usage: node dist/scripts/chaos-chart.js OUT.svg RESULT.json[=LABEL] [RESULT.json[=LABEL] ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChaosResult } from './chaos/shared';
import {
  axisLines,
  COLORS,
  gridLine,
  legendItem,
  svgDocument,
  targetLine,
  titleText,
  xAxisLabel,
  xTick,
  type Box,
} from './svg-chart';

const W = 900;
/** Height of one legend row. */
const ROW = 16;
const TARGET_S = 15;

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
  const box: Box = { left: M.left, top: M.top, right: W - M.right, bottom: H - M.bottom };
  const x = (s: number) => M.left + (s / span) * plotW;
  const y = (lag: number) => M.top + plotH - (Math.max(0, lag) / maxLag) * plotH;
  const parts = [titleText(M.left, "Fire lag under faults (first step's effect − fire time)")];
  // Axes and grid.
  const step = maxLag > 40 ? 10 : 5;
  for (let v = 0; v <= maxLag; v += step) parts.push(...gridLine(box, y(v), `${v} s`));
  const tick = span > 300 ? 60 : span > 100 ? 20 : 10;
  for (let t = 0; t <= span; t += tick) {
    parts.push(xTick(box, x(t), String(t)));
  }
  parts.push(
    ...axisLines(box),
    xAxisLabel(box, 'seconds since the faults started'),
    ...targetLine(box, y(TARGET_S), `p99 target ${TARGET_S} s`),
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
          `<line x1="${x(at)}" x2="${x(at)}" y1="${M.top}" y2="${box.bottom}" stroke="#495057" stroke-dasharray="2 3"/>`,
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
    const ly = box.bottom + 44 + ROW * i;
    parts.push(...legendItem(lx, ly, color, `${run.design}: ${run.lost} lost, ${run.doubled} doubled`));
  });
  parts.push(`<text x="${box.right}" y="${M.top - 30}" text-anchor="end" fill="#555">× = a lost fire</text>`);
  writeFileSync(out, svgDocument(W, H, parts));
}

main();
