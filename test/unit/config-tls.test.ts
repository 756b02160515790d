/**
 * TLS and API-key resolution (src/config-tls.ts through resolveConfig): which layer wins, when
 * TLS is on, and the one-line errors for files that cannot be used. Real PEM files from openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveConfig, type ConfigInput } from '../../src/config';
import { UsageError } from '../../src/errors';
import { makeTestPki, type TestPki } from '../helpers/tls';

describe('TLS and API-key settings', () => {
  let pki: TestPki;
  let profileFile: string;
  let keyFile: string;

  before(() => {
    pki = makeTestPki();
    profileFile = join(pki.dir, 'temporal.toml');
    writeFileSync(
      profileFile,
      `[profile.mtls]\naddress = "temporal.internal:7233"\n[profile.mtls.tls]\n` +
        `server_ca_cert_path = "${pki.otherCa}"\nclient_cert_path = "${pki.clientCert}"\n` +
        `client_key_path = "${pki.clientKey}"\nserver_name = "from-profile"\n` +
        `[profile.off]\napi_key = "profile-key"\n[profile.off.tls]\ndisabled = true\n` +
        `[profile.broken]\n[profile.broken.tls]\nclient_cert_path = "${join(pki.dir, 'gone.pem')}"\n` +
        `client_key_path = "${pki.clientKey}"\n`,
    );
    keyFile = join(pki.dir, 'key.txt');
    writeFileSync(keyFile, '  file-key \n');
  });

  after(() => pki?.remove());

  const resolve = (input: ConfigInput, env: Record<string, string> = {}) =>
    resolveConfig(input, { TEMPORAL_CONFIG_FILE: profileFile, ...env }).connection;
  const pem = (path: string) => readFileSync(path, 'utf8');
  const text = (data: Uint8Array | undefined) => Buffer.from(data ?? []).toString('utf8');
  const usage = (fn: () => unknown, message: string | RegExp) =>
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      // Never the contents of a key: no line of any key's base64 body.
      for (const keyFile of [pki.clientKey, pki.otherClientKey]) {
        for (const line of pem(keyFile)
          .split('\n')
          .filter((l) => l.length > 20 && !l.startsWith('-'))) {
          assert.ok(!err.message.includes(line), 'the message holds key material');
        }
      }
      return true;
    });

  it('is plaintext with no setting, and TLS with the system CAs for --tls or TEMPORAL_TLS=true', () => {
    assert.equal(resolve({}).tls, undefined);
    assert.deepEqual(resolve({ tls: true }).tls, {});
    assert.deepEqual(resolve({}, { TEMPORAL_TLS: 'true' }).tls, {});
  });

  it('reads the profile, then TEMPORAL_TLS_* over it, then flags over both', () => {
    const fromProfile = resolve({ profile: 'mtls' });
    const tls = fromProfile.tls && fromProfile.tls !== true ? fromProfile.tls : assert.fail('TLS on');
    assert.equal(text(tls.serverRootCACertificate), pem(pki.otherCa));
    assert.equal(text(tls.clientCertPair?.crt), pem(pki.clientCert));
    assert.equal(text(tls.clientCertPair?.key), pem(pki.clientKey));
    assert.equal(tls.serverNameOverride, 'from-profile');

    const env = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca, TEMPORAL_TLS_SERVER_NAME: 'from-env' };
    const fromEnv = resolve({ profile: 'mtls' }, env).tls;
    assert.ok(fromEnv && fromEnv !== true);
    assert.equal(text(fromEnv.serverRootCACertificate), pem(pki.ca));
    assert.equal(fromEnv.serverNameOverride, 'from-env');
    assert.equal(text(fromEnv.clientCertPair?.crt), pem(pki.clientCert), 'the rest stays from the profile');

    const flags = { profile: 'mtls', tlsCa: pki.otherCa, tlsServerName: 'from-flag' };
    const fromFlags = resolve(flags, env).tls;
    assert.ok(fromFlags && fromFlags !== true);
    assert.equal(text(fromFlags.serverRootCACertificate), pem(pki.otherCa));
    assert.equal(fromFlags.serverNameOverride, 'from-flag');
  });

  it('takes PEM data from TEMPORAL_TLS_*_DATA', () => {
    const tls = resolve({}, { TEMPORAL_TLS_SERVER_CA_CERT_DATA: pem(pki.ca) }).tls;
    assert.ok(tls && tls !== true);
    assert.equal(text(tls.serverRootCACertificate), pem(pki.ca));
  });

  it('--no-tls wins over the profile, TEMPORAL_TLS and an API key; TEMPORAL_TLS=false over the profile', () => {
    const forced = resolve({ profile: 'mtls', tls: false }, { TEMPORAL_TLS: 'true', TEMPORAL_API_KEY: 'k' });
    assert.equal(forced.tls, undefined);
    assert.equal(resolve({ profile: 'mtls' }, { TEMPORAL_TLS: 'false' }).tls, undefined);
    // A TLS flag turns it back on.
    assert.ok(resolve({ profile: 'mtls', tlsCa: pki.ca }, { TEMPORAL_TLS: 'false' }).tls);
  });

  it('an API key implies TLS unless TLS is turned off; the key file wins over the variable and profile', () => {
    const env = resolve({}, { TEMPORAL_API_KEY: 'env-key' });
    assert.deepEqual([env.apiKey, env.tls], ['env-key', {}]);
    const file = resolve({ profile: 'off', apiKeyFile: keyFile }, { TEMPORAL_API_KEY: 'env-key' });
    assert.equal(file.apiKey, 'file-key', 'trimmed, from the file');
    assert.equal(file.tls, undefined, "the profile's tls.disabled is honoured");
    assert.equal(resolve({ profile: 'off' }).apiKey, 'profile-key');
    assert.equal(resolve({}, { TEMPORAL_API_KEY: '' }).apiKey, undefined, 'empty means unset');
  });

  it('rejects conflicting and incomplete flags', () => {
    usage(() => resolve({ tls: false, tlsCa: pki.ca }), '--no-tls conflicts with --tls-ca: choose one');
    usage(() => resolve({ tlsCert: pki.clientCert }), /^--tls-cert needs --tls-key/);
    usage(() => resolve({ tlsKey: pki.clientKey }), /^--tls-key needs --tls-cert/);
    usage(
      () => resolve({}, { TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert }),
      /^TEMPORAL_TLS_CLIENT_CERT_PATH is set without its private key/,
    );
  });

  it('names the flag, variable or profile key and the path of a file that cannot be used', () => {
    const gone = join(pki.dir, 'gone.pem');
    usage(() => resolve({ tlsCa: gone }), `--tls-ca ${gone}: no such file`);
    usage(() => resolve({ tlsCa: pki.dir }), `--tls-ca ${pki.dir}: is a folder, not a file`);
    usage(
      () => resolve({}, { TEMPORAL_TLS_SERVER_CA_CERT_PATH: gone }),
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH ${gone}: no such file`,
    );
    usage(
      () => resolve({ profile: 'broken' }),
      `profile 'broken' tls.client_cert_path ${gone}: no such file`,
    );
    usage(() => resolve({ apiKeyFile: gone }), `--api-key-file ${gone}: no such file`);
  });

  it('checks the PEM contents: certificate, key, that they belong together, not encrypted', () => {
    usage(
      () => resolve({ tlsCa: pki.clientKey }),
      `--tls-ca ${pki.clientKey}: not a PEM certificate (expected '-----BEGIN CERTIFICATE-----')`,
    );
    usage(
      () => resolve({ tlsCert: pki.clientCert, tlsKey: pki.clientCert }),
      `--tls-key ${pki.clientCert}: not a PEM private key (expected '-----BEGIN PRIVATE KEY-----')`,
    );
    usage(
      () => resolve({ tlsCert: pki.clientCert, tlsKey: pki.otherClientKey }),
      `--tls-key ${pki.otherClientKey} is not the private key of --tls-cert ${pki.clientCert}`,
    );
    const encrypted = join(pki.dir, 'encrypted.key');
    execFileSync('openssl', [
      'pkcs8',
      '-topk8',
      '-in',
      pki.clientKey,
      '-out',
      encrypted,
      '-passout',
      'pass:secret',
    ]);
    usage(
      () => resolve({ tlsCert: pki.clientCert, tlsKey: encrypted }),
      `--tls-key ${encrypted}: the private key is encrypted; give an unencrypted PEM key`,
    );
    const garbled = join(pki.dir, 'garbled.pem');
    writeFileSync(garbled, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    usage(
      () => resolve({ tlsCa: garbled }),
      new RegExp(`^--tls-ca ${garbled}: the PEM certificate does not parse`),
    );
  });

  it('rejects a key file of several lines, and an empty one', () => {
    const two = join(pki.dir, 'two-lines');
    writeFileSync(two, 'a\nb\n');
    usage(() => resolve({ apiKeyFile: two }), `--api-key-file ${two}: the API key must be a single line`);
    const empty = join(pki.dir, 'empty');
    writeFileSync(empty, ' \n');
    usage(() => resolve({ apiKeyFile: empty }), `--api-key-file ${empty}: the file is empty`);
  });
});
