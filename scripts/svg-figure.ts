/**
 * Whole charts from the parts in svg-chart.ts: a figure (title, one or more plot panels side by side,
 * a shared legend and a caption) and its two kinds of panel, lines and grouped bars. Each data point
 * is a `class="point"` circle and each bar a `class="bar"` rect.
 */
import {
  axisLines,
  esc,
  formatNumber,
  gridLine,
  legendItem,
  legendWidth,
  round,
  scale,
  svgDocument,
  SYSTEM_FONT,
  targetLine,
  titleText,
  xAxisLabel,
  xTick,
  yAxisLabel,
  type AxisSpec,
  type Box,
  type Mark,
} from './svg-chart';

const WIDTH = 720;
const PLOT_HEIGHT = 280;
/** Room left of a plot for tick labels and the turned-up axis title. */
const LEFT = 68;
const RIGHT = 32;
const TOP = 52;
/** Height of one legend row. */
const ROW = 18;

/** One entry of a figure's legend. */
export interface LegendEntry {
  readonly name: string;
  readonly color: string;
  readonly mark: Mark;
}

/** Draws one panel into its plot area. */
export type Panel = (box: Box) => string[];

/** A chart: title, panels side by side, legend, caption. */
export interface Figure {
  readonly title: string;
  readonly panels: readonly Panel[];
  readonly legend: readonly LegendEntry[];
  /** Small grey line at the bottom: where and when the figures were measured. */
  readonly caption: string;
}

/** The SVG document of a figure, in the system font. */
export function renderFigure(f: Figure): string {
  // Legend entries flow left to right under the plots, wrapping at the right edge.
  const placed: { x: number; row: number; entry: LegendEntry }[] = [];
  let x = LEFT;
  let row = 0;
  for (const entry of f.legend) {
    const w = legendWidth(entry.name, entry.mark);
    if (x > LEFT && x + w > WIDTH - RIGHT) {
      x = LEFT;
      row++;
    }
    placed.push({ x, row, entry });
    x += w;
  }
  const bottom = TOP + PLOT_HEIGHT;
  const legendTop = bottom + 58;
  const captionY = legendTop + ROW * (row + (placed.length ? 1 : 0)) + 8;
  const height = captionY + 12;
  const panelWidth = (WIDTH - (LEFT + RIGHT) * f.panels.length) / f.panels.length;
  const body = [titleText(LEFT - 50, f.title)];
  f.panels.forEach((panel, i) => {
    const left = LEFT + i * (panelWidth + LEFT + RIGHT);
    body.push(...panel({ left, top: TOP, right: left + panelWidth, bottom }));
  });
  for (const p of placed)
    body.push(...legendItem(p.x, legendTop + ROW * p.row, p.entry.color, p.entry.name, p.entry.mark));
  body.push(`<text x="${LEFT - 50}" y="${captionY}" font-size="11" fill="#666">${esc(f.caption)}</text>`);
  return svgDocument(WIDTH, height, body, SYSTEM_FONT);
}

/** An axis: its title (with the unit), how it maps, how its ticks read. */
export interface Axis extends AxisSpec {
  readonly label: string;
  /** @default formatNumber */
  readonly format?: (v: number) => string;
}

/** A dashed red line at a target value; the figure's legend names it. */
export interface Target {
  readonly value: number;
}

/** One line of a line panel. */
export interface Line {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number])[];
  /** A dot on every point. @default true */
  readonly dots?: boolean;
}

/** Grid, ticks and axis titles of a panel. */
function frame(box: Box, x: Axis, y: Axis, yTicks: readonly number[], at: (v: number) => number): string[] {
  const format = y.format ?? formatNumber;
  return [
    ...yTicks.flatMap((t) => gridLine(box, at(t), format(t))),
    ...axisLines(box),
    xAxisLabel(box, x.label),
    yAxisLabel(box, y.label),
  ];
}

/** A line chart panel: x and y scales from the data, one polyline (and dots) per line. */
export function linePanel(spec: { x: Axis; y: Axis; lines: readonly Line[]; title?: string }): Panel {
  return (box) => {
    const points = spec.lines.flatMap((l) => l.points);
    // Explicit x ticks are the measured sizes: inset so the first and last are not on the frame.
    const inset = spec.x.ticks ? 20 : 0;
    const sx = scale(
      spec.x,
      points.map(([px]) => px),
      box.left + inset,
      box.right - inset,
    );
    const sy = scale(
      spec.y,
      points.map(([, py]) => py),
      box.bottom,
      box.top,
    );
    const formatX = spec.x.format ?? formatNumber;
    const out = frame(box, spec.x, spec.y, sy.ticks, sy.at);
    for (const t of sx.ticks) out.push(xTick(box, sx.at(t), formatX(t)));
    if (spec.title)
      out.push(`<text x="${box.left}" y="${box.top - 8}" font-weight="bold">${esc(spec.title)}</text>`);
    for (const line of spec.lines) {
      const shown = line.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
      const dash = line.dashed ? ' stroke-dasharray="6 4"' : '';
      const coords = shown.map(([px, py]) => `${sx.at(px)},${sy.at(py)}`).join(' ');
      out.push(
        `<polyline points="${coords}" fill="none" stroke="${line.color}" stroke-width="2"${dash} stroke-linejoin="round"/>`,
      );
      if (line.dots === false) continue;
      for (const [px, py] of shown) {
        out.push(`<circle class="point" cx="${sx.at(px)}" cy="${sy.at(py)}" r="3.5" fill="${line.color}"/>`);
      }
    }
    return out;
  };
}

/** One series of a bar panel: a value per group (NaN: no bar). */
export interface Bars {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** A grouped bar panel: groups along x, one labelled bar per series in each, optional target line. */
export function barPanel(spec: {
  groups: readonly string[];
  groupLabel: string;
  y: Axis;
  bars: readonly Bars[];
  target?: Target;
}): Panel {
  return (box) => {
    const values = spec.bars.flatMap((b) => b.values);
    const sy = scale(
      spec.y,
      spec.target ? [...values, spec.target.value * 1.1] : values,
      box.bottom,
      box.top,
    );
    const format = spec.y.format ?? formatNumber;
    const out = frame(box, { label: spec.groupLabel }, spec.y, sy.ticks, sy.at);
    const groupWidth = (box.right - box.left) / Math.max(1, spec.groups.length);
    const barWidth = Math.min(56, (groupWidth * 0.75) / Math.max(1, spec.bars.length));
    spec.groups.forEach((group, g) => {
      const centre = box.left + groupWidth * (g + 0.5);
      out.push(xTick(box, round(centre), group));
      spec.bars.forEach((bar, b) => {
        const v = bar.values[g] ?? NaN;
        if (!Number.isFinite(v)) return;
        const x = round(centre + (b - spec.bars.length / 2) * barWidth + 2);
        const y = sy.at(v);
        out.push(
          `<rect class="bar" x="${x}" y="${y}" width="${round(barWidth - 4)}" height="${round(box.bottom - y)}" fill="${bar.color}"/>`,
          `<text x="${round(x + (barWidth - 4) / 2)}" y="${y - 4}" text-anchor="middle" font-size="11">${esc(format(v))}</text>`,
        );
      });
    });
    if (spec.target) out.push(...targetLine(box, sy.at(spec.target.value)));
    return out;
  };
}
