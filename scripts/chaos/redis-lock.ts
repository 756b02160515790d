/**
 * The classic per-fire lock: `SET key token NX PX ttl` to take it, compare-and-delete to release
 * it (a holder never deletes a lock that expired and was taken by someone else).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the key only while it still holds our token. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** A lock this process holds. */
export interface HeldLock {
  readonly key: string;
  readonly token: string;
}

/**
 * Takes the lock `key` for `ttlMs` if nobody holds it.
 * @returns the held lock, or `undefined` when another holder has it
 */
export async function tryLock(
  redis: Redis,
  key: string,
  ttlMs: number,
  owner: string,
): Promise<HeldLock | undefined> {
  const token = `${owner}:${randomUUID()}`;
  const reply = await redis.set(key, token, 'PX', ttlMs, 'NX');
  return reply === 'OK' ? { key, token } : undefined;
}

/**
 * Releases a lock we took.
 * @returns false when it had already expired (and may belong to another holder now)
 */
export async function releaseLock(redis: Redis, lock: HeldLock): Promise<boolean> {
  const deleted = await redis.eval(RELEASE_SCRIPT, 1, lock.key, lock.token);
  return deleted === 1;
}
