/**
 * No secret in any output: an API key, the contents of a TLS client key, a payload encryption key
 * and an `http` job's header secret are all in use (mTLS endpoint in front of a real dev server,
 * real PostgreSQL, a real HTTP endpoint that checks the header), while setup, apply, a worker pool
 * at trace level, trigger, runs list/show and failing commands run with --verbose. Every line any
 * of them prints is searched for each secret, in the forms a leak would take.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../helpers/cli';
import { startCliWorker, type CliWorker } from '../helpers/cli-worker';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { startAuthServer, type AuthServer } from '../helpers/grpc-auth-server';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../helpers/tls';

/** The forms a secret could leak in: as given, and for binary keys base64, base64url and hex. */
function leakForms(name: string, value: string | Buffer): Array<[string, string]> {
  if (typeof value === 'string') return [[name, value]];
  return [
    [`${name} (base64)`, value.toString('base64')],
    [`${name} (base64url)`, value.toString('base64url')],
    [`${name} (hex)`, value.toString('hex')],
  ];
}

/** The base64 lines of a PEM private key: any of them in an output means the key leaked. */
function pemBodyLines(pem: string): string[] {
  return pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('-----'));
}

describe('no secret appears in any log or error output', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let pki: TestPki;
  let proxy: TlsProxy;
  let authServer: AuthServer;
  let hook: Server;
  let hookUrl: string;
  let pool: CliWorker | undefined;
  const hookHeaders: string[] = [];
  const outputs: Array<{ what: string; text: string }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-secrets-'));
  const queue = `secrets-${randomUUID()}`;
  const jobId = `secrets-hook-${randomUUID().slice(0, 8)}`;
  const apiKey = `dcak_${randomBytes(18).toString('base64url')}`;
  const codecKey = randomBytes(32);
  const headerSecret = `hdr_${randomBytes(18).toString('hex')}`;
  let clientKeyPem: string;
  let flags: string[];
  let env: Record<string, string>;

  const record = (what: string, r: CliResult): CliResult => {
    outputs.push({ what, text: r.stdout + r.stderr });
    return r;
  };

  before(async () => {
    pki = makeTestPki();
    clientKeyPem = readFileSync(pki.clientKey, 'utf8');
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    proxy = await startTlsProxy({
      target: temporal.config.address,
      ca: pki.ca,
      cert: pki.serverCert,
      key: pki.serverKey,
    });
    authServer = await startAuthServer(pki.serverCert, pki.serverKey);
    // The hook fails the first call (so the worker logs a retried failure), then echoes the
    // header it got back in its body, as a careless server would.
    hook = createServer((req, res) => {
      hookHeaders.push(String(req.headers.authorization ?? ''));
      const status = hookHeaders.length === 1 ? 503 : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`seen: ${String(req.headers.authorization ?? '')}`);
    });
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    writeFileSync(join(dir, 'api-key'), `${apiKey}\n`);
    flags = [
      '--address',
      proxy.address,
      '--tls-ca',
      pki.ca,
      '--tls-cert',
      pki.clientCert,
      '--tls-key',
      pki.clientKey,
      '--api-key-file',
      join(dir, 'api-key'),
      '--task-queue',
      queue,
      '--verbose',
    ];
    env = { DURABLE_CRON_CODEC_KEYS: `k1:${codecKey.toString('base64')}` };
    writeFileSync(
      join(dir, 'jobs.yaml'),
      [
        'version: 1',
        'project: secrets',
        'jobs:',
        `  - id: ${jobId}`,
        '    type: http',
        '    customer: acme',
        '    env: test',
        "    schedule: { cron: '0 0 1 1 *' }",
        '    input:',
        '      method: POST',
        `      url: ${hookUrl}`,
        "      headers: { Authorization: 'Bearer ${HOOK_TOKEN}' }",
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await pool?.stop();
    await new Promise<void>((done) => (hook ? hook.close(() => done()) : done()));
    await authServer?.close();
    await proxy?.close();
    await db?.close();
    await temporal?.stop();
    pki?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job that uses every secret, with verbose logging everywhere', async () => {
    const setup = record('setup', await runCli(['setup', ...flags, '--database-url', db.url], env, dir));
    assert.equal(setup.code, 0, setup.stderr);
    const apply = record('apply', await runCli(['apply', ...flags, '-f', 'jobs.yaml'], env, dir));
    assert.equal(apply.code, 0, apply.stderr);

    pool = await startCliWorker(
      [
        '--processes',
        '2',
        '--grace',
        '1s',
        '--log-level',
        'trace',
        '--allow-http',
        '127.0.0.1',
        ...flags,
      ].concat(['--database-url', db.url]),
      { cwd: dir, env: { ...env, HOOK_TOKEN: headerSecret } },
    );

    const trigger = record(
      'trigger',
      await runCli(['schedules', 'trigger', jobId, ...flags, '--json'], env, dir),
    );
    assert.equal(trigger.code, 0, trigger.stderr);
    const runId = await eventually(
      'the triggered run to complete',
      async () => {
        const list = await runCli(['runs', 'list', ...flags, '--job', jobId, '--json'], env, dir);
        const rows = JSON.parse(list.stdout) as Array<{ workflowId: string; status: string }>;
        const done = rows.find((r) => r.status === 'completed');
        if (done) record('runs list', list);
        return done?.workflowId;
      },
      90_000,
    );
    const show = record('runs show', await runCli(['runs', 'show', runId, ...flags, '--json'], env, dir));
    assert.equal(show.code, 0, show.stderr);

    // The secrets were really in use: the hook got the resolved header twice (a failure, then a
    // success), the TLS endpoint saw the client certificate, and the run's input is decrypted.
    assert.deepEqual(hookHeaders, [`Bearer ${headerSecret}`, `Bearer ${headerSecret}`]);
    assert.ok(proxy.clients.includes('client'), `the proxy saw ${proxy.clients.join(', ')}`);
    assert.match(show.stdout, new RegExp(hookUrl.replace(/[/.]/g, '\\$&')));
    // Trace logging was on, and the failed first attempt was logged.
    assert.match(pool.output(), /"level":"(trace|debug)"|TRACE|DEBUG/i);
    assert.match(pool.output(), /503|HttpStatus|retry/i);
  });

  it('failing commands print no secret either, even with --verbose', async () => {
    // A refused API key (the key is in the request, the refusal echoes nothing of it).
    const authFlags = [
      '--address',
      authServer.address,
      '--tls-ca',
      pki.ca,
      '--api-key-file',
      join(dir, 'api-key'),
    ];
    const refused = record(
      'refused key',
      await runCli(['runs', 'list', ...authFlags, '--verbose'], env, dir),
    );
    assert.notEqual(refused.code, 0);
    assert.ok(
      authServer.calls.some((c) => c.authorization === `Bearer ${apiKey}`),
      'the key was sent',
    );
    // A wrong server name on the mTLS endpoint.
    const wrongName = record(
      'wrong server name',
      await runCli(['runs', 'list', ...flags, '--tls-server-name', 'nobody.invalid'], env, dir),
    );
    assert.notEqual(wrongName.code, 0);
    // A run that does not exist, and a codec key that does not decode the stored payloads.
    const missing = record(
      'missing run',
      await runCli(['runs', 'show', `${jobId}-nope`, ...flags], env, dir),
    );
    assert.notEqual(missing.code, 0);
    const otherKey = { DURABLE_CRON_CODEC_KEYS: `k2:${randomBytes(32).toString('base64')}` };
    const wrongCodec = record(
      'wrong codec key',
      await runCli(['schedules', 'describe', jobId, ...flags], otherKey, dir),
    );
    assert.notEqual(wrongCodec.code, 0);
    // A malformed codec key: the error names the variable, not the value.
    const badKey = `k1:${codecKey.toString('base64').slice(0, 20)}`;
    const malformed = record(
      'malformed codec key',
      await runCli(['runs', 'list', ...flags], { DURABLE_CRON_CODEC_KEYS: badKey }, dir),
    );
    assert.notEqual(malformed.code, 0);
    assert.match(malformed.stderr, /DURABLE_CRON_CODEC_KEYS/);
    assert.doesNotMatch(malformed.stderr, new RegExp(badKey.slice(3).replace(/[+/]/g, '\\$&')));
  });

  it('no output holds any of the secrets', async () => {
    // Stop the pool first so its drain and exit lines are searched too.
    await pool?.stop('SIGTERM');
    const poolOutput = pool?.output() ?? '';
    outputs.push({ what: 'worker pool', text: poolOutput });
    assert.ok(outputs.length >= 9, `outputs: ${outputs.map((o) => o.what).join(', ')}`);
    assert.ok(poolOutput.length > 1000, 'the pool logged at trace level');
    const secrets: Array<[string, string]> = [
      ...leakForms('API key', apiKey),
      ...leakForms('codec key', codecKey),
      ...leakForms('http header secret', headerSecret),
      ...pemBodyLines(clientKeyPem).map((line, i): [string, string] => [
        `TLS client key line ${i + 1}`,
        line,
      ]),
    ];
    assert.ok(secrets.length >= 7);
    const leaks = outputs.flatMap(({ what, text }) =>
      secrets.filter(([, value]) => text.includes(value)).map(([name]) => `${name} in the output of ${what}`),
    );
    assert.deepEqual(leaks, []);
  });
});
