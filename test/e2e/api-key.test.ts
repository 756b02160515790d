/**
 * API keys at the gRPC level: the real CLI against a grpc-js server over TLS that records the
 * metadata of the first WorkflowService call. The key arrives as `authorization: Bearer <key>`
 * (Temporal Cloud's convention) from --api-key-file, TEMPORAL_API_KEY and a profile, implies TLS,
 * and a refusal gives one line that never contains the key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli';
import { DENIED_KEY, startAuthServer, type AuthServer } from '../helpers/grpc-auth-server';
import { makeTestPki, type TestPki } from '../helpers/tls';

describe('API keys reach the server as a bearer token over TLS', () => {
  let pki: TestPki;
  let server: AuthServer;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-apikey-'));
  const keyFile = join(dir, 'api-key');
  const fileKey = 'dc-from-file-5f1e2d3c';
  const envKey = 'dc-from-env-8a7b6c5d';
  const profileKey = 'dc-from-profile-1a2b3c4d';

  before(async () => {
    pki = makeTestPki();
    server = await startAuthServer(pki.serverCert, pki.serverKey);
    writeFileSync(keyFile, `${fileKey}\n`, { mode: 0o600 });
  });

  after(async () => {
    await server?.close();
    pki?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `schedules list` and returns its result and the authorization the server saw. */
  async function call(args: string[], env: Record<string, string> = {}): Promise<[CliResult, string?]> {
    const before = server.calls.length;
    const r = await runCli(['schedules', 'list', ...args], env);
    return [r, server.calls[before]?.authorization];
  }

  function assertRefused(r: CliResult, pattern: RegExp, ...secrets: string[]): void {
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', new RegExp(`^error: cannot connect to Temporal at ${server.address}: `));
    assert.match(lines[0] ?? '', pattern);
    for (const secret of secrets)
      assert.ok(!`${r.stdout}${r.stderr}`.includes(secret), 'the key was printed');
  }

  it('--api-key-file: sent as Bearer over TLS; UNAUTHENTICATED is one line without the key', async () => {
    const [r, auth] = await call([
      '--address',
      server.address,
      '--tls-ca',
      pki.ca,
      '--api-key-file',
      keyFile,
    ]);
    assert.equal(auth, `Bearer ${fileKey}`);
    assertRefused(
      r,
      /the server refused the API key \(UNAUTHENTICATED: invalid API key\).*--api-key-file/,
      fileKey,
    );
  });

  it('--verbose prints the stack, still without the key', async () => {
    const r = await runCli(
      ['schedules', 'list', '--address', server.address, '--verbose'].concat([
        '--tls-ca',
        pki.ca,
        '--api-key-file',
        keyFile,
      ]),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\n\s+at /);
    assert.ok(!r.stderr.includes(fileKey));
  });

  it('TEMPORAL_API_KEY: sent as Bearer; PERMISSION_DENIED is explained', async () => {
    const [r, auth] = await call(['--address', server.address], {
      TEMPORAL_API_KEY: DENIED_KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca,
    });
    assert.equal(auth, `Bearer ${DENIED_KEY}`);
    assertRefused(r, /the server denied access \(PERMISSION_DENIED: Request unauthorized\)/, DENIED_KEY);
  });

  it("a profile's api_key is sent; --api-key-file overrides it and TEMPORAL_API_KEY", async () => {
    const profile = join(dir, 'temporal.toml');
    writeFileSync(
      profile,
      `[profile.cloud]\naddress = "${server.address}"\napi_key = "${profileKey}"\n` +
        `[profile.cloud.tls]\nserver_ca_cert_path = "${pki.ca}"\n`,
    );
    const [fromProfile, sent] = await call(['--profile', 'cloud'], { TEMPORAL_CONFIG_FILE: profile });
    assert.equal(sent, `Bearer ${profileKey}`);
    assertRefused(fromProfile, /refused the API key/, profileKey);
    const [fromEnv, envSent] = await call(['--profile', 'cloud'], {
      TEMPORAL_CONFIG_FILE: profile,
      TEMPORAL_API_KEY: envKey,
    });
    assert.equal(envSent, `Bearer ${envKey}`);
    assertRefused(fromEnv, /refused the API key/, envKey, profileKey);
    const [fromFlag, flagSent] = await call(['--profile', 'cloud', '--api-key-file', keyFile], {
      TEMPORAL_CONFIG_FILE: profile,
      TEMPORAL_API_KEY: envKey,
    });
    assert.equal(flagSent, `Bearer ${fileKey}`);
    assertRefused(fromFlag, /refused the API key/, fileKey, envKey, profileKey);
  });

  it("an API key alone turns TLS on with the system's CAs, as --tls does; --no-tls turns it off", async () => {
    // The test CA stands in for the system's (grpc-js reads its default roots from
    // GRPC_DEFAULT_SSL_ROOTS_FILE_PATH): no TLS flag or TEMPORAL_TLS* variable is given.
    const [r, auth] = await call(['--address', server.address], {
      TEMPORAL_API_KEY: envKey,
      GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: pki.ca,
    });
    assert.equal(auth, `Bearer ${envKey}`, 'the call came over TLS');
    assertRefused(r, /refused the API key/, envKey);
    const [withFlag, flagAuth] = await call(
      ['--address', server.address, '--tls', '--api-key-file', keyFile],
      {
        GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: pki.ca,
      },
    );
    assert.equal(flagAuth, `Bearer ${fileKey}`, '--tls: the call came over TLS');
    assertRefused(withFlag, /refused the API key/, fileKey);
    const [plain, none] = await call(['--address', server.address, '--no-tls'], { TEMPORAL_API_KEY: envKey });
    assert.equal(none, undefined, 'nothing reached the TLS server in plaintext');
    assert.notEqual(plain.code, 0);
    assert.match(plain.stderr, /expects TLS but the connection is plaintext/);
    assert.ok(!plain.stderr.includes(envKey));
  });

  it('an empty or missing key file fails before connecting, naming the flag and the path', async () => {
    const empty = join(dir, 'empty-key');
    writeFileSync(empty, '\n');
    const before = server.calls.length;
    const r = await runCli(['schedules', 'list', '--address', server.address, '--api-key-file', empty]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `error: --api-key-file ${empty}: the file is empty`);
    const missing = await runCli(['schedules', 'list', '--api-key-file', join(dir, 'nope')]);
    assert.equal(missing.stderr.trim(), `error: --api-key-file ${join(dir, 'nope')}: no such file`);
    assert.equal(server.calls.length, before);
  });
});
