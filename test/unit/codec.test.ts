/**
 * The AES-256-GCM payload codec and its key parsing: round trip, rotation (payloads from an old
 * key set decode with a new one), unknown key ids and tampering refused with messages naming the
 * key id, and bad key input refused without echoing key material.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptError,
  UnknownCodecKeyError,
  parseCodecKeyFile,
  parseCodecKeyList,
} from '../../src/codec';
import { resolveConfig } from '../../src/config';
import { UsageError } from '../../src/errors';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const marker = 'plain-marker-7f3a';
const plain = (): Payload => defaultPayloadConverter.toPayload({ note: marker, n: 42 });
const text = (p: Payload) => Buffer.from(p.metadata?.encoding ?? '').toString();

describe('EncryptionCodec', () => {
  it('round trip: encrypted payloads carry the key id and no plaintext; decode restores them', async () => {
    const codec = new EncryptionCodec([{ id: 'a', key: keyA }]);
    const [encrypted] = await codec.encode([plain()]);
    assert.ok(encrypted);
    assert.equal(text(encrypted), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(encrypted.metadata?.[KEY_ID_METADATA] ?? '').toString(), 'a');
    assert.ok(!Buffer.from(encrypted.data ?? '').includes(marker));
    const [decoded] = await codec.decode([encrypted]);
    assert.ok(decoded);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded), { note: marker, n: 42 });
  });

  it('uses a fresh IV per payload: the same value encrypts differently', async () => {
    const codec = new EncryptionCodec([{ id: 'a', key: keyA }]);
    const [one, two] = await codec.encode([plain(), plain()]);
    assert.notDeepEqual(Buffer.from(one?.data ?? ''), Buffer.from(two?.data ?? ''));
  });

  it('leaves payloads that are not encrypted as they are when decoding', async () => {
    const codec = new EncryptionCodec([{ id: 'a', key: keyA }]);
    const payload = plain();
    assert.deepEqual(await codec.decode([payload]), [payload]);
  });

  it('rotation: encrypts with the first key; payloads of the old key set decode with the new one', async () => {
    const old = new EncryptionCodec([{ id: 'a', key: keyA }]);
    const rotated = new EncryptionCodec([
      { id: 'b', key: keyB },
      { id: 'a', key: keyA },
    ]);
    const [fromOld] = await old.encode([plain()]);
    const [fromNew] = await rotated.encode([plain()]);
    assert.ok(fromOld && fromNew);
    assert.equal(Buffer.from(fromNew.metadata?.[KEY_ID_METADATA] ?? '').toString(), 'b');
    const decoded = await rotated.decode([fromOld, fromNew]);
    assert.deepEqual(
      decoded.map((p) => defaultPayloadConverter.fromPayload(p)),
      [
        { note: marker, n: 42 },
        { note: marker, n: 42 },
      ],
    );
  });

  it('an unknown key id fails naming the id and the known ids, never a key', async () => {
    const [encrypted] = await new EncryptionCodec([{ id: 'b', key: keyB }]).encode([plain()]);
    assert.ok(encrypted);
    const err = await new EncryptionCodec([{ id: 'a', key: keyA }]).decode([encrypted]).then(
      () => assert.fail('decode should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UnknownCodecKeyError);
    assert.equal(err.keyId, 'b');
    assert.match(err.message, /key id 'b'.*\(a\)/);
    assert.ok(!err.message.includes(keyA) && !err.message.includes(keyB));
  });

  it('detects tampering: a flipped ciphertext byte, a truncated payload, a relabelled key id', async () => {
    const codec = new EncryptionCodec([
      { id: 'a', key: keyA },
      { id: 'b', key: keyB },
    ]);
    const [encrypted] = await codec.encode([plain()]);
    assert.ok(encrypted?.data);
    const flipped = Buffer.from(encrypted.data);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    const relabelled: Payload = {
      ...encrypted,
      metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('b') },
    };
    for (const bad of [
      { ...encrypted, data: flipped },
      { ...encrypted, data: encrypted.data.subarray(0, 20) },
      relabelled,
    ]) {
      await assert.rejects(codec.decode([bad]), (e: unknown) => {
        assert.ok(e instanceof PayloadDecryptError);
        assert.match(e.message, /key id '[ab]' failed to decrypt/);
        return true;
      });
    }
  });
});

describe('codec keys', () => {
  it('parses an env list and a key file, newest first, comments and blank lines ignored', () => {
    assert.deepEqual(
      parseCodecKeyList(`b:${keyB}, a:${keyA}`, 'ENV').keys.map((k) => k.id),
      ['b', 'a'],
    );
    const file = parseCodecKeyFile(`# newest first\n\nb:${keyB}\r\na:${keyA}\n`, 'FILE');
    assert.deepEqual(
      file.keys.map((k) => k.id),
      ['b', 'a'],
    );
  });

  it('refuses bad input with one line naming the source and entry or line, never the key', () => {
    const short = randomBytes(16).toString('base64');
    const cases: [() => unknown, RegExp][] = [
      [
        () => parseCodecKeyList(`a:${short}`, 'ENV'),
        /^ENV entry 1 \(key id 'a'\): the key must be 32 bytes \(got 16\)/,
      ],
      [() => parseCodecKeyList(`a:${keyA},a:${keyB}`, 'ENV'), /^ENV entry 2: key id 'a' is listed twice$/],
      [() => parseCodecKeyList(keyA, 'ENV'), /^ENV entry 1: expected id:base64key/],
      [
        () => parseCodecKeyList(`a:not base64!`, 'ENV'),
        /^ENV entry 1 \(key id 'a'\): the key is not valid base64$/,
      ],
      [() => parseCodecKeyList(`${keyA}:${keyB}`, 'ENV'), /^ENV entry 1: the key id must be/],
      [() => parseCodecKeyList(' , ', 'ENV'), /^ENV entry 1: expected id:base64key/],
      [() => parseCodecKeyFile(`# only comments\n`, 'FILE'), /^FILE: no keys/],
      [
        () => parseCodecKeyFile(`a:${keyA}\n\nb:${short}\n`, 'FILE'),
        /^FILE line 3 \(key id 'b'\): the key must be 32 bytes/,
      ],
    ];
    for (const [run, expected] of cases) {
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, expected);
        assert.ok(!e.message.includes('\n'));
        for (const secret of [keyA, keyB, short]) assert.ok(!e.message.includes(secret), e.message);
        return true;
      });
    }
  });

  it('resolveConfig: the flag beats the env; both env variables at once is an error; no keys, no codec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-keys-'));
    try {
      const file = join(dir, 'keys');
      writeFileSync(file, `f:${keyA}\n`);
      assert.equal(resolveConfig({}, {}).codec, undefined);
      assert.deepEqual(
        resolveConfig({}, { DURABLE_CRON_CODEC_KEYS: `e:${keyB}` }).codec?.keys.map((k) => k.id),
        ['e'],
      );
      assert.deepEqual(
        resolveConfig({ codecKeyFile: file }, { DURABLE_CRON_CODEC_KEYS: `e:${keyB}` }).codec?.keys.map(
          (k) => k.id,
        ),
        ['f'],
      );
      assert.throws(
        () => resolveConfig({}, { DURABLE_CRON_CODEC_KEYS: `e:${keyB}`, DURABLE_CRON_CODEC_KEY_FILE: file }),
        /set DURABLE_CRON_CODEC_KEYS or DURABLE_CRON_CODEC_KEY_FILE, not both/,
      );
      assert.throws(
        () => resolveConfig({ codecKeyFile: join(dir, 'missing') }),
        /^UsageError: --codec-key-file .*missing: cannot read the key file \(ENOENT\)$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
