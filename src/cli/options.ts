/**
 * Option parsers shared by commands (commander `argParser`s); kept apart so building the program
 * loads nothing heavy. A bad value throws a {@link UsageError} naming the flag, the value and what
 * is valid, before the command runs.
 */
import { DURATION_FORMS, parseDuration } from '../duration';
import { UsageError } from '../errors';

/** Collects a repeatable, comma-separable option such as `--jobs a --jobs b,c` (commander `argParser`). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/**
 * Parser of an integer flag from `min` to `max`.
 * @param expected what a valid value is, for the message @default `an integer from <min> to <max>`
 */
export function integerArg(
  flag: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  expected = `an integer from ${min} to ${max}`,
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${flag} '${value}' must be ${expected}`);
    }
    return n;
  };
}

/** Parser of a port flag (1-65535, or 0 for any free port when `anyFree`). */
export function portArg(flag: string, anyFree = false): (value: string) => number {
  return anyFree
    ? integerArg(flag, 0, 65_535, 'a port number 1-65535 (0: any free port)')
    : integerArg(flag, 1, 65_535, 'a port number 1-65535');
}

/** Parser of a flag that takes one of `values` (any case); returns the value as listed. */
export function choiceArg<const T extends string>(flag: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    const found = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
    if (found === undefined) throw new UsageError(`${flag} '${value}' is not one of ${values.join(', ')}`);
    return found;
  };
}

/**
 * Parser of a repeatable, comma-separable flag whose entries are each one of `values` (any case):
 * `--status failed,compensated --status running`. Returns the values as listed, without repeats.
 */
export function choiceListArg<const T extends string>(
  flag: string,
  values: readonly T[],
): (value: string, previous: T[] | undefined) => T[] {
  const one = choiceArg(flag, values);
  return (value, previous) => [
    ...new Set([...(previous ?? []), ...value.split(',').map((v) => one(v.trim()))]),
  ];
}

/** Parser of a duration flag such as `--grace 30s` (see {@link parseDuration}); returns milliseconds. */
export function durationArg(flag: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined) throw new UsageError(`${flag} '${value}' is not a duration: ${DURATION_FORMS}`);
    return ms;
  };
}
