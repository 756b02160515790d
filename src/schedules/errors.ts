/** Server errors of schedule calls mapped to messages that say what to do. */
import { DurableCronError, errorMessage } from '../errors';

/**
 * Runs `call`; an error about an unknown search attribute becomes one that says to run
 * `durable-cron setup` (the namespace lacks durable-cron's attributes).
 */
export async function withSetupHint<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = fullMessage(err);
    if (/search attribute|no mapping defined|is not defined/i.test(message)) {
      throw new DurableCronError(
        `${message.split('\n')[0] ?? message} (run \`durable-cron setup\` to register durable-cron's search attributes)`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** The message of an error and its causes, joined. */
export function fullMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; depth += 1) {
    parts.push(errorMessage(e));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
