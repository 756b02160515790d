/**
 * Warnings for calendar times that a daylight-saving transition makes nonexistent or
 * repeated. The effect reported is what `nextCalendarTime` (the server's algorithm) does,
 * observed rather than predicted, because the server's behaviour differs by zone.
 */
import {
  compileCalendar,
  wallClock,
  wallFields,
  zoneOffsetMs,
  type CompiledCalendar,
  type WallClock,
} from './calendar.js';
import type { CalendarFields } from './cron.js';

/** One transition that affects a calendar's wall-clock times. */
export interface DstWarning {
  /** Local date (YYYY-MM-DD) of the affected wall times. */
  date: string;
  /** `gap`: clocks jump forward over these times; `overlap`: clocks fall back and repeat them. */
  kind: 'gap' | 'overlap';
  /** The calendar's wall times inside the affected window, `HH:MM` or `HH:MM:SS`. */
  wallTimes: string[];
  /**
   * What the Temporal server does, observed by running its algorithm, e.g.
   * `01:30 occurs twice on 2026-11-01; Temporal runs at both occurrences (05:30Z, 06:30Z)`.
   */
  effect: string;
}

const SECOND = 1000;
const HOUR = 3_600_000;
// Transitions in a zone are weeks apart at least; sampling every 6 hours cannot miss one.
const SAMPLE = 6 * HOUR;

interface Transition {
  at: number;
  before: number;
  after: number;
}

function transitions(timeZone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  // Whole seconds, so the search below lands exactly on the transition.
  let t = Math.floor(from / SECOND) * SECOND;
  let offset = zoneOffsetMs(timeZone, t);
  while (t < to) {
    const t2 = Math.min(t + SAMPLE, to);
    const offset2 = zoneOffsetMs(timeZone, t2);
    if (offset2 !== offset) {
      // Binary search for the first second with the new offset.
      let lo = t;
      let hi = t2;
      while (hi - lo > SECOND) {
        const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
        if (zoneOffsetMs(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi >= from && hi < to) found.push({ at: hi, before: offset, after: offset2 });
    }
    t = t2;
    offset = offset2;
  }
  return found;
}

const pad = (n: number): string => String(n).padStart(2, '0');

const dateText = (w: WallClock): string => `${w.year}-${pad(w.month)}-${pad(w.day)}`;

function timeText(ms: number, withSeconds: boolean): string {
  const w = wallFields(ms);
  return `${pad(w.hour)}:${pad(w.minute)}${withSeconds ? `:${pad(w.second)}` : ''}`;
}

function listText(times: readonly string[]): string {
  return times.length <= 3
    ? times.join(', ')
    : `${times[0]} to ${times[times.length - 1]} (${times.length} times)`;
}

/**
 * Daylight-saving warnings for calendar `c` in `timeZone`: one per transition in
 * `[from, from + months)` whose skipped (gap) or repeated (overlap) wall-clock window contains
 * a time the calendar matches, with what the server does about it.
 * @default months 12
 * @throws {TimeZoneError} for an unknown zone.
 */
export function dstWarnings(c: CalendarFields, timeZone: string, from: Date, months = 12): DstWarning[] {
  const compiled = compileCalendar(c, timeZone);
  const end = new Date(from);
  end.setUTCMonth(end.getUTCMonth() + months);
  const warnings: DstWarning[] = [];
  for (const t of transitions(timeZone, from.getTime(), end.getTime())) {
    const shift = Math.abs(t.after - t.before);
    // Local wall-clock window that is skipped or repeated.
    const windowStart = t.at + Math.min(t.before, t.after);
    const matched: number[] = [];
    for (let w = windowStart; w < windowStart + shift; w += SECOND) {
      if (compiled.matchesWall(wallFields(w))) matched.push(w);
    }
    const first = matched[0];
    if (first === undefined) continue;
    const withSeconds = matched.some((w) => w % 60_000 !== 0);
    const wallTimes = matched.map((w) => timeText(w, withSeconds));
    const date = dateText(wallFields(first));
    const kind = t.after > t.before ? 'gap' : 'overlap';
    const runs = observeRuns(compiled, timeZone, t);
    const effect =
      kind === 'gap'
        ? gapEffect(runs, t, wallTimes, date, withSeconds)
        : overlapEffect(runs, t, matched, withSeconds, date);
    warnings.push({ date, kind, wallTimes, effect });
  }
  return warnings;
}

const zulu = (ms: number, withSeconds: boolean): string => `${timeText(ms, withSeconds)}Z`;
const pronoun = (n: number): string => (n === 1 ? 'it' : 'them');

interface Run {
  instant: number;
  /** Local wall clock as if UTC. */
  wall: number;
  /** Whether the calendar matches the run's wall time; the server can run at times it does not. */
  matching: boolean;
}

/**
 * The runs the server makes from just before the transition's affected window until an hour
 * after it: the server's repeated-hour handling shifts by a fixed hour, so stray runs land
 * up to an hour after the window.
 */
function observeRuns(compiled: CompiledCalendar, timeZone: string, t: Transition): Run[] {
  const shift = Math.abs(t.after - t.before);
  const runs: Run[] = [];
  const until = t.at + shift + HOUR;
  for (let next = compiled.next(t.at - shift - SECOND); next !== undefined && next < until;) {
    const w = wallClock(timeZone, next);
    runs.push({
      instant: next,
      wall: next + zoneOffsetMs(timeZone, next),
      matching: compiled.matchesWall(w),
    });
    next = compiled.next(next);
  }
  return runs;
}

function strayRuns(runs: Run[], withSeconds: boolean): string | undefined {
  const stray = runs.filter((r) => !r.matching);
  if (stray.length === 0) return undefined;
  return listText(stray.map((r) => `${timeText(r.wall, withSeconds)} (${zulu(r.instant, withSeconds)})`));
}

function gapEffect(
  runs: Run[],
  t: Transition,
  wallTimes: string[],
  date: string,
  withSeconds: boolean,
): string {
  const subject = `${listText(wallTimes)} ${wallTimes.length === 1 ? 'does' : 'do'} not exist on ${date}`;
  const after = runs.filter((r) => r.instant >= t.at);
  const stray = strayRuns(after, withSeconds);
  if (stray !== undefined) return `${subject}; Temporal runs at ${stray} instead`;
  const next = after.find((r) => dateText(wallFields(r.wall)) === date);
  if (next === undefined) return `${subject}; Temporal skips ${pronoun(wallTimes.length)}: no run that day`;
  const at = `${timeText(next.wall, withSeconds)} (${zulu(next.instant, withSeconds)})`;
  return `${subject}; Temporal skips ${pronoun(wallTimes.length)}; the next run that day is at ${at}`;
}

function overlapEffect(
  runs: Run[],
  t: Transition,
  matched: number[],
  withSeconds: boolean,
  date: string,
): string {
  const fired = new Set(runs.map((r) => r.instant));
  const groups = new Map<string, { walls: number[]; instants: number[] }>();
  for (const wall of matched) {
    const firstCopy = wall - t.before;
    const secondCopy = wall - t.after;
    const ran = [firstCopy, secondCopy].filter((i) => fired.has(i));
    const how =
      ran.length === 2 ? 'both' : ran[0] === firstCopy ? 'first' : ran[0] === secondCopy ? 'second' : 'none';
    const group = groups.get(how) ?? { walls: [], instants: [] };
    group.walls.push(wall);
    group.instants.push(...ran);
    groups.set(how, group);
  }
  const clauses = [...groups].map(([how, { walls, instants }]) => {
    const times = walls.map((w) => timeText(w, withSeconds));
    const subject = `${listText(times)} ${times.length === 1 ? 'occurs' : 'occur'} twice on ${date}`;
    const when =
      instants.length > 0 && instants.length <= 4
        ? ` (${instants.map((i) => zulu(i, withSeconds)).join(', ')})`
        : '';
    const verb =
      how === 'both'
        ? 'runs at both occurrences'
        : how === 'none'
          ? `does not run ${pronoun(times.length)} at either occurrence`
          : `runs at the ${how} occurrence only`;
    return `${subject}; Temporal ${verb}${when}`;
  });
  const stray = strayRuns(runs, withSeconds);
  if (stray !== undefined) clauses.push(`it also runs at ${stray}, which the calendar does not match`);
  return clauses.join('; ');
}
