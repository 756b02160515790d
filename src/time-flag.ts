/**
 * The one parser of time flags (`runs list --since`, `audit --from`, `schedules backfill --from`,
 * ...): an absolute RFC 3339 time, or a relative one meaning that long before now.
 */
import { DURATION_FORMS, MAX_DURATION_LABEL, MAX_DURATION_MS, parseDuration } from './duration';
import { UsageError } from './errors';
import { impossibleField } from './rfc3339';

const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * Parses a time flag: an absolute RFC 3339 time (`2026-11-20T00:00:00Z`, a date alone meaning its
 * UTC midnight) or a relative one (`24h`, `7d`, `1h30m`: that long before `now`).
 * @param flag the flag's name without dashes, for messages (`since` → `--since`)
 * @returns undefined when `value` is undefined (the flag was not given)
 * @throws {UsageError} naming `--flag`, the value and the valid forms
 */
export function parseTimeFlag(flag: string, value: string, now: Date): Date;
export function parseTimeFlag(flag: string, value: string | undefined, now: Date): Date | undefined;
export function parseTimeFlag(flag: string, value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const relative = parseDuration(trimmed);
  if (relative !== undefined) {
    if (relative > MAX_DURATION_MS) {
      throw new UsageError(`--${flag} '${value}' reaches back more than ${MAX_DURATION_LABEL}`);
    }
    return new Date(now.getTime() - relative);
  }
  if (RFC3339.test(trimmed)) {
    const impossible = impossibleField(trimmed);
    if (impossible !== undefined) {
      throw new UsageError(`--${flag} '${value}' is not a real time: ${impossible}`);
    }
    const date = new Date(/T/i.test(trimmed) ? trimmed : `${trimmed}T00:00:00Z`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(
    `--${flag} '${value}' is neither an RFC 3339 time (e.g. 2026-11-20T00:00:00Z) nor a ` +
      `relative time (${DURATION_FORMS}, meaning that long ago)`,
  );
}
