/**
 * Parsing payload encryption keys from `DURABLE_CRON_CODEC_KEYS` (`id:base64,id:base64`) or a key
 * file (one `id:base64` per line; blank lines and `#` comments ignored). In both, the first key
 * listed is the newest: it encrypts new payloads, the others only decrypt old ones.
 *
 * Error messages name the source, the entry or line and the key id, never key material.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

/** Length of an AES-256 key in bytes. */
export const CODEC_KEY_BYTES = 32;

/** One encryption key: `key` is the base64 of 32 bytes. Never print `key`. */
export interface CodecKeySpec {
  readonly id: string;
  readonly key: string;
}

/** The resolved codec keys, newest first, and where they came from (for messages). */
export interface CodecSettings {
  /** Newest first; never empty. Holds secrets: never print it. */
  readonly keys: readonly CodecKeySpec[];
  /** e.g. `DURABLE_CRON_CODEC_KEYS` or `--codec-key-file /etc/keys`. */
  readonly source: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses `id:base64,id:base64` (newest first).
 * @param source how to name the input in messages, e.g. `DURABLE_CRON_CODEC_KEYS`
 * @throws {UsageError} naming the entry for a malformed entry, a bad id, a key that is not 32
 *   bytes of base64, a repeated id, or no keys at all
 */
export function parseCodecKeyList(text: string, source: string): CodecSettings {
  const entries = text
    .split(',')
    .map((entry, i) => ({ entry: entry.trim(), where: `${source} entry ${i + 1}` }));
  return { keys: parseEntries(entries, source), source };
}

/**
 * Parses a key file: one `id:base64` per line, newest first; blank lines and lines starting with
 * `#` are ignored.
 * @throws {UsageError} naming the file and line
 */
export function parseCodecKeyFile(text: string, source: string): CodecSettings {
  const entries = text
    .split(/\r?\n/)
    .map((line, i) => ({ entry: line.trim(), where: `${source} line ${i + 1}` }))
    .filter(({ entry }) => entry !== '' && !entry.startsWith('#'));
  return { keys: parseEntries(entries, source), source };
}

/**
 * Reads and parses a key file.
 * @param flag how the file was given, e.g. `--codec-key-file` or `DURABLE_CRON_CODEC_KEY_FILE`
 * @throws {UsageError} when the file cannot be read or is not valid
 */
export function readCodecKeyFile(path: string, flag: string): CodecSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${flag} ${path}: cannot read the key file (${code})`, { cause: err });
  }
  return parseCodecKeyFile(text, `${flag} ${path}`);
}

function parseEntries(entries: { entry: string; where: string }[], source: string): CodecKeySpec[] {
  const keys: CodecKeySpec[] = [];
  for (const { entry, where } of entries) {
    const colon = entry.indexOf(':');
    // The entry itself is never echoed: it may be (part of) a key.
    if (colon < 0)
      throw new UsageError(`${where}: expected id:base64key (e.g. k2:$(openssl rand -base64 32))`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      throw new UsageError(`${where}: the key id must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
      throw new UsageError(`${where} (key id '${id}'): the key is not valid base64`);
    }
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes !== CODEC_KEY_BYTES) {
      throw new UsageError(
        `${where} (key id '${id}'): the key must be ${CODEC_KEY_BYTES} bytes (got ${bytes}); make one with: openssl rand -base64 32`,
      );
    }
    if (keys.some((k) => k.id === id)) throw new UsageError(`${where}: key id '${id}' is listed twice`);
    keys.push({ id, key: encoded });
  }
  if (keys.length === 0) throw new UsageError(`${source}: no keys (expected id:base64key, newest first)`);
  return keys;
}
