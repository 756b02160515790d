/**
 * Durations, in one place: the strings users write (an integer with a unit, optionally chained,
 * as Temporal writes them: `500ms`, `30s`, `10m`, `1h`, `1d`, `1h30m`) parsed to milliseconds and
 * formatted back, the rounded form a person reads for how long a run took, and the SDK's
 * durations (milliseconds or `ms`-style strings) as milliseconds.
 */
import { msToNumber } from '@temporalio/common/lib/time';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/y;

/** Longest duration a jobs file may give: 100 years (far beyond any sane schedule, far inside Temporal's range). */
export const MAX_DURATION_MS = 36_500 * 86_400_000;

/** {@link MAX_DURATION_MS} as written in messages. */
export const MAX_DURATION_LABEL = '36500d (100 years)';

/** Valid forms, for error messages. */
export const DURATION_FORMS = 'an integer with a unit ms, s, m, h or d, e.g. 30s, 10m, 1h30m';

/**
 * Parses a duration string into milliseconds.
 * @returns undefined when the string is not a duration
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const match = PART.exec(s);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** Formats milliseconds as the shortest duration string, e.g. 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.join('');
}

/** A rounded duration for a person to read, e.g. how long a run took: `850ms`, `12.3s`, `4m05s`, `2h03m`; `-` for none. */
export function humanDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

/** Milliseconds of an SDK duration (a number of ms or a string such as `10m`); anything else is 0. */
export function msOf(d: unknown): number {
  if (typeof d === 'number') return d;
  return typeof d === 'string' ? msToNumber(d as Parameters<typeof msToNumber>[0]) : 0;
}
