/**
 * Hand-written SVG for the charts in docs/ (no dependency): the document, axes, grid, ticks, target
 * lines and legend marks, scales (linear and log) with round ticks, and number formatting.
 * Coordinates are SVG pixels; a {@link Box} is a plot area. Used by chaos-chart and bench-charts;
 * the figures built from these parts are in svg-figure.ts.
 */

/** Series colours, in order. */
export const COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#862e9c', '#0c8599', '#c2255c'];
/** The font of the bench charts: the reader's system font, as GitHub's own pages use. */
export const SYSTEM_FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";
/** Red of target lines. */
export const TARGET_COLOR = '#c92a2a';

/** A plot area, in pixels from the top left of the document. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** `text` safe inside an element or a double-quoted attribute. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A whole SVG document: a white background, then `body`, one element per line.
 * @default font sans-serif
 */
export function svgDocument(
  width: number,
  height: number,
  body: readonly string[],
  font = 'sans-serif',
): string {
  return `${[
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(font)}" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
  ].join('\n')}\n`;
}

/** The chart's title, bold, at the top. */
export function titleText(x: number, text: string): string {
  return `<text x="${x}" y="20" font-size="15" font-weight="bold">${esc(text)}</text>`;
}

/** The left and bottom axis lines of `box`. */
export function axisLines(box: Box): string[] {
  return [
    `<line x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.bottom}" stroke="#333"/>`,
    `<line x1="${box.left}" x2="${box.right}" y1="${box.bottom}" y2="${box.bottom}" stroke="#333"/>`,
  ];
}

/** A light horizontal grid line at `y` with its value left of the axis. */
export function gridLine(box: Box, y: number, label: string): string[] {
  return [
    `<line x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}" stroke="#eee"/>`,
    `<text x="${box.left - 8}" y="${y + 4}" text-anchor="end">${esc(label)}</text>`,
  ];
}

/** A tick label under the bottom axis, centred on `x`. */
export function xTick(box: Box, x: number, label: string): string {
  return `<text x="${x}" y="${box.bottom + 18}" text-anchor="middle">${esc(label)}</text>`;
}

/** The bottom axis's title, under its tick labels. */
export function xAxisLabel(box: Box, text: string): string {
  return `<text x="${box.left + (box.right - box.left) / 2}" y="${box.bottom + 34}" text-anchor="middle">${esc(text)}</text>`;
}

/** The left axis's title, turned up, left of its tick labels. */
export function yAxisLabel(box: Box, text: string): string {
  const y = round(box.top + (box.bottom - box.top) / 2);
  return `<text transform="translate(${box.left - 50} ${y}) rotate(-90)" text-anchor="middle">${esc(text)}</text>`;
}

/** A red dashed line across `box` at `y`, labelled at its right end unless the label is elsewhere (a legend). */
export function targetLine(box: Box, y: number, label?: string): string[] {
  const line = `<line x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}" stroke="${TARGET_COLOR}" stroke-dasharray="6 4"/>`;
  if (label === undefined) return [line];
  return [
    line,
    `<text x="${box.right - 4}" y="${y - 5}" text-anchor="end" fill="${TARGET_COLOR}">${esc(label)}</text>`,
  ];
}

/** How a series is drawn, as its legend mark shows it. */
export type Mark = 'dot' | 'line' | 'dashed' | 'bar';

/** A legend entry at (`x`, `y`): its mark, then its label. */
export function legendItem(x: number, y: number, color: string, label: string, mark: Mark = 'dot'): string[] {
  const text = `<text x="${x + (mark === 'dot' ? 8 : 24)}" y="${y + 4}">${esc(label)}</text>`;
  switch (mark) {
    case 'dot':
      return [`<circle cx="${x}" cy="${y}" r="4" fill="${color}"/>`, text];
    case 'bar':
      return [`<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${color}"/>`, text];
    default:
      return [
        `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2.5"${mark === 'dashed' ? ' stroke-dasharray="5 3"' : ''}/>`,
        text,
      ];
  }
}

/** The width a legend entry takes, estimated from its label (12 px system font). */
export function legendWidth(label: string, mark: Mark = 'dot'): number {
  return (mark === 'dot' ? 8 : 24) + textWidth(label) + 18;
}

/** Estimated width of `text` at 12 px (no font metrics at hand: an average glyph width). */
export function textWidth(text: string, fontSize = 12): number {
  return Math.ceil(text.length * fontSize * 0.55);
}

/** A number with at most one decimal, for coordinates. */
export function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** A value for a reader: three significant digits below 100, whole numbers with thousands separators above. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const rounded = Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3));
  const [int = '', frac] = String(rounded).split('.');
  return `${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}

/** Values to pixels along one axis, with the ticks to label. */
export interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly ticks: readonly number[];
  /** The pixel of value `v` (clamped into the domain). */
  readonly at: (v: number) => number;
}

/** How an axis maps its values. */
export interface AxisSpec {
  readonly log?: boolean;
  /** Lowest value shown. @default 0 (linear) or the decade at or below the smallest value (log) */
  readonly min?: number;
  /** Ticks to label instead of round ones; the domain then spans them and the values exactly. */
  readonly ticks?: readonly number[];
}

/** A 1-2-5 step that cuts `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * decade >= raw) ?? 10;
  return step * decade;
}

/**
 * The scale of `values` (non-finite ones ignored) onto pixels `from`..`to` (`to` < `from` for a
 * vertical axis): a linear domain from 0 (or `min`) to a round value, or a log domain over whole
 * decades, ticked at powers of ten (and 2 and 5 between them when it spans two decades or less).
 */
export function scale(spec: AxisSpec, values: readonly number[], from: number, to: number): Scale {
  const data = [...values, ...(spec.ticks ?? [])].filter((v) => Number.isFinite(v) && (!spec.log || v > 0));
  const top = data.length ? Math.max(...data) : 1;
  let lo: number;
  let hi: number;
  let ticks: number[];
  if (spec.log) {
    const bottom = data.length ? Math.min(...data) : 1;
    lo = spec.min ?? (spec.ticks ? bottom : 10 ** Math.floor(Math.log10(bottom)));
    hi = spec.ticks ? top : 10 ** Math.ceil(Math.log10(top));
    if (hi <= lo) hi = lo * 10;
    const decades = Math.log10(hi / lo);
    ticks = [];
    for (let d = 10 ** Math.floor(Math.log10(lo)); d <= hi; d *= 10) {
      for (const m of decades > 2 ? [1] : [1, 2, 5]) {
        const t = Number((d * m).toPrecision(6));
        if (t >= lo && t <= hi) ticks.push(t);
      }
    }
  } else {
    lo = spec.min ?? Math.min(0, ...data);
    const step = niceStep(top - lo || 1, 5);
    hi = spec.ticks ? top : lo + Math.ceil((top - lo || 1) / step) * step;
    if (hi <= lo) hi = lo + 1;
    ticks = [];
    for (let t = lo; t <= hi + step / 1e6; t += step) ticks.push(Number(t.toPrecision(12)));
  }
  const position = spec.log
    ? (v: number) => Math.log10(Math.min(hi, Math.max(lo, v)) / lo) / Math.log10(hi / lo)
    : (v: number) => (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo);
  return {
    lo,
    hi,
    ticks: spec.ticks ? [...spec.ticks] : ticks,
    at: (v) => round(from + position(v) * (to - from)),
  };
}
