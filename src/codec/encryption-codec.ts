/**
 * AES-256-GCM payload encryption. Each payload is serialized (protobuf), encrypted with a random
 * 12-byte IV under the newest key, and replaced by a payload with `encoding: binary/encrypted`,
 * the key id in `encryption-key-id`, and `IV || ciphertext || tag` as data. The key id is
 * authenticated too, so a payload relabelled with another id fails to decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DurableCronError } from '../errors';
import type { CodecKeySpec } from './keys';

/** `encoding` metadata of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key holding the id of the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload was encrypted with a key id this process does not have. */
export class UnknownCodecKeyError extends DurableCronError {
  constructor(
    readonly keyId: string,
    knownIds: readonly string[],
  ) {
    super(
      `payload is encrypted with key id '${keyId}', which is not among the configured codec keys (${knownIds.join(', ')}); add it to DURABLE_CRON_CODEC_KEYS or the key file`,
    );
  }
}

/** An encrypted payload was read by a process with no codec keys configured. */
export class CodecKeysMissingError extends DurableCronError {
  constructor(options?: { cause?: unknown }) {
    super(
      `a payload is encrypted (${ENCRYPTED_ENCODING}) and no codec keys are configured: set DURABLE_CRON_CODEC_KEYS or DURABLE_CRON_CODEC_KEY_FILE, or pass --codec-key-file`,
      options,
    );
  }
}

/** An encrypted payload failed authentication: altered, truncated, or encrypted with another key of that id. */
export class PayloadDecryptError extends DurableCronError {
  constructor(
    readonly keyId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `payload encrypted with key id '${keyId}' failed to decrypt: it was altered, or key '${keyId}' is not the key it was encrypted with`,
      options,
    );
  }
}

/** Whether a payload is one this codec encrypted. */
export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return (
    encoding !== undefined && encoding !== null && Buffer.from(encoding).toString() === ENCRYPTED_ENCODING
  );
}

/** The key id of an encrypted payload, or undefined. */
export function payloadKeyId(payload: Payload): string | undefined {
  const id = payload.metadata?.[KEY_ID_METADATA];
  return id ? Buffer.from(id).toString() : undefined;
}

/** The AES-256-GCM {@link PayloadCodec}: encrypts with the first key, decrypts with any. */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly newest: { id: string; key: Buffer };

  /**
   * @param keys newest first; each `key` is the base64 of 32 bytes (validated by `keys.ts`)
   * @throws {DurableCronError} when `keys` is empty
   */
  constructor(keys: readonly CodecKeySpec[]) {
    const first = keys[0];
    if (!first) throw new DurableCronError('the payload codec needs at least one key');
    this.keys = new Map(keys.map((k) => [k.id, Buffer.from(k.key, 'base64')]));
    this.newest = { id: first.id, key: Buffer.from(first.key, 'base64') };
  }

  /** Ids of the keys, newest first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(payloads.map((p) => this.encrypt(p)));
  }

  /**
   * Decrypts encrypted payloads; others pass through unchanged.
   * @throws {UnknownCodecKeyError} for a key id not configured
   * @throws {PayloadDecryptError} for a payload that fails authentication
   */
  decode(payloads: Payload[]): Promise<Payload[]> {
    // The executor's throw becomes the promise's rejection.
    return new Promise((resolve) =>
      resolve(payloads.map((p) => (isEncryptedPayload(p) ? this.decrypt(p) : p))),
    );
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.newest;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const encrypted = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(id),
      },
      data: encrypted,
    };
  }

  private decrypt(payload: Payload): Payload {
    const id = payloadKeyId(payload) ?? '';
    const key = this.keys.get(id);
    if (!key) throw new UnknownCodecKeyError(id, this.keyIds);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptError(id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch (err) {
      throw new PayloadDecryptError(id, { cause: err });
    }
  }
}
