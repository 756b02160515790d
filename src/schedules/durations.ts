/** Durations as the SDK takes them (milliseconds or `ms`-style strings) converted to milliseconds. */
import { msToNumber } from '@temporalio/common/lib/time';

/** Milliseconds of an SDK duration (a number of ms or a string such as `10m`); anything else is 0. */
export function msOf(d: unknown): number {
  if (typeof d === 'number') return d;
  return typeof d === 'string' ? msToNumber(d as Parameters<typeof msToNumber>[0]) : 0;
}
