/** Zod building blocks shared by the jobs-file schemas, so every part reports errors alike. */
import { z } from 'zod';
import { DURATION_FORMS, MAX_DURATION_LABEL, MAX_DURATION_MS, parseDuration } from '../duration';

/** A strict object whose unknown-key errors list the valid keys. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const valid = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (valid keys: ${valid})`
        : issue.code === 'invalid_type'
          ? `must be a mapping with keys: ${valid}`
          : undefined,
  });
}

/**
 * A duration string (`30s`, `1h30m`) of at most {@link MAX_DURATION_MS}, optionally with a lower bound.
 * @param min smallest accepted value and how to name it in the message
 */
export function duration(min?: { ms: number; label: string }) {
  return z.string({ error: `must be a duration: ${DURATION_FORMS}` }).superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: ${DURATION_FORMS}` });
    } else if (min && ms < min.ms) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is below the minimum ${min.label}` });
    } else if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `'${value}' is above the maximum ${MAX_DURATION_LABEL}` });
    }
  });
}

/**
 * A whole number of bytes from 0 to `max`, `fallback` when absent.
 * @param label `max` as people say it in messages, e.g. `64 KiB`
 */
export function byteCount(max: number, label: string, fallback: number) {
  return z
    .int({ error: `must be a number of bytes, at most ${max} (${label})` })
    .min(0, 'must be at least 0')
    .max(max, `must be at most ${max} (${label})`)
    .default(fallback);
}
