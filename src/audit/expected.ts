/**
 * The fire times a schedule should have produced, as the server decides them
 * ({@link nominalFireTimes}), walked in chunks of a bounded number of fires.
 */
import { nominalFireTimes, type ServerSchedule } from '../schedules/matching-times';

export { serverSchedule } from '../schedules/matching-times';

/** One stretch of an audited window, [start, end] to the millisecond, and its expected fires. */
export interface FireChunk {
  /** Every expected fire in [start, end], in order. */
  readonly fires: Date[];
  /** Last instant of the stretch (inclusive): at or after its start, at or before the window's end. */
  readonly end: Date;
}

/**
 * Where an audit gets its expected fires: given where the next stretch starts and where the window
 * ends (inclusive), the stretch's end and its fires. The audit continues 1 ms after `end` until
 * it passes `to`, so stretches never overlap and together cover the window.
 */
export type FireChunkSource = (start: Date, to: Date) => Promise<FireChunk>;

/** Fire times in [from, to], both inclusive, at most `limit` of them (the earliest). */
export type FireTimesSource = (from: Date, to: Date, limit: number) => Promise<Date[]>;

/**
 * Chunks of at most `maxFires` fires from `times`: a stretch ends at the window's end, or, when
 * the rest of the window holds more fires, 1 ms before the first fire it leaves to the next stretch.
 * @throws {RangeError} when `maxFires` is not a positive integer
 */
export function fireChunks(times: FireTimesSource, maxFires: number): FireChunkSource {
  if (!Number.isInteger(maxFires) || maxFires < 1) {
    throw new RangeError(`maxFires must be a positive integer, got ${maxFires}`);
  }
  return async (start, to) => {
    const fires = await times(start, to, maxFires + 1);
    const next = fires[maxFires];
    if (next === undefined) return { fires, end: to };
    return { fires: fires.slice(0, maxFires), end: new Date(next.getTime() - 1) };
  };
}

/**
 * Expected fires of an existing schedule as the server lists them (`ListScheduleMatchingTimes`),
 * at most `maxFires` per stretch.
 * @throws {RangeError} when `maxFires` is not a positive integer
 */
export function serverFireChunks(schedule: ServerSchedule, maxFires: number): FireChunkSource {
  return fireChunks((from, to, limit) => nominalFireTimes(schedule, from, to, limit), maxFires);
}
