/**
 * TLS and mTLS end to end: a real Temporal dev server behind a TLS endpoint that requires a
 * client certificate signed by a test CA (made with openssl). The real CLI connects through it
 * with the right settings (flags, TEMPORAL_TLS_* variables, a profile), fails with one clear line
 * for each wrong one, and a worker pool started with the same flags runs a triggered job.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { startCliWorker, type CliWorker } from '../helpers/cli-worker';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';
import {
  assertOneLineFailure,
  makeTestPki,
  startTlsProxy,
  type TestPki,
  type TlsProxy,
} from '../helpers/tls';

describe('TLS and mTLS connections through a TLS endpoint requiring client certificates', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let pki: TestPki;
  let proxy: TlsProxy;
  let internal: TlsProxy;
  let pool: CliWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-tls-'));
  const namespace = 'default';
  const queue = `tls-${randomUUID()}`;
  const jobId = `tls-cmd-${randomUUID().slice(0, 8)}`;
  /** The mTLS flags that work, without --address. */
  let mtls: string[];

  before(async () => {
    pki = makeTestPki();
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    proxy = await startTlsProxy({
      target: temporal.config.address,
      ca: pki.ca,
      cert: pki.serverCert,
      key: pki.serverKey,
    });
    internal = await startTlsProxy({
      target: temporal.config.address,
      ca: pki.ca,
      cert: pki.internalCert,
      key: pki.internalKey,
    });
    mtls = ['--tls-ca', pki.ca, '--tls-cert', pki.clientCert, '--tls-key', pki.clientKey];
  });

  after(async () => {
    await pool?.stop();
    await proxy?.close();
    await internal?.close();
    await db?.close();
    await temporal?.stop();
    pki?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('setup, apply, schedules list and runs list connect with the client certificate', async () => {
    const at = ['--address', proxy.address, '--namespace', namespace];
    const setup = await runCli(['setup', ...at, ...mtls, '--database-url', db.url]);
    assert.equal(setup.code, 0, setup.stderr);
    const node = JSON.stringify(process.execPath);
    writeFileSync(
      join(dir, 'jobs.yaml'),
      `version: 1\njobs:\n  - { id: ${jobId}, type: command, customer: acme, env: test, schedule: { cron: '0 0 1 1 *' },\n` +
        `      input: { argv: [${node}, -e, 'console.log("over tls")'] } }\n`,
    );
    const apply = await runCli(['apply', ...at, ...mtls, '--task-queue', queue, '-f', 'jobs.yaml'], {}, dir);
    assert.equal(apply.code, 0, apply.stderr);
    const list = await runCli(['schedules', 'list', ...at, ...mtls, '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(jobId));
    const runs = await runCli(['runs', 'list', ...at, ...mtls]);
    assert.equal(runs.code, 0, runs.stderr);
    assert.ok(proxy.clients.includes('client'), `the proxy saw ${proxy.clients.join(', ')}`);
  });

  it('a worker pool connects through TLS (its processes too) and runs a triggered job', async () => {
    const seen = proxy.clients.length;
    pool = await startCliWorker(
      [
        '--processes',
        '1',
        '--grace',
        '1s',
        '--allow-command',
        '--address',
        proxy.address,
        ...mtls,
        '--task-queue',
        queue,
        '--database-url',
        db.url,
      ],
      { cwd: dir },
    );
    const trigger = await runCli([
      'schedules',
      'trigger',
      jobId,
      '--address',
      proxy.address,
      ...mtls,
      '--json',
    ]);
    assert.equal(trigger.code, 0, trigger.stderr);
    const { workflowId } = JSON.parse(trigger.stdout) as { workflowId: string };
    const handle = temporal.client.workflow.getHandle(workflowId);
    const result = (await eventually('the triggered run to finish', () => handle.result(), 60_000)) as {
      results: { run: { stdout: string } };
    };
    assert.equal(result.results.run.stdout.trim(), 'over tls');
    // The pool's check and its process's worker connection both came through the proxy with the
    // certificate (the process got the TLS settings over IPC): the pool knows no other address.
    const fromPool = proxy.clients.slice(seen);
    assert.ok(fromPool.filter((c) => c === 'client').length >= 2, `new connections: ${fromPool.join(', ')}`);
    assert.doesNotMatch(pool.output(), /BEGIN (CERTIFICATE|PRIVATE KEY)/);
  });

  it('TEMPORAL_TLS_* variables and a profile file give the same settings', async () => {
    const env = await runCli(['schedules', 'list'], {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    });
    assert.equal(env.code, 0, env.stderr);
    const profile = join(dir, 'temporal.toml');
    writeFileSync(
      profile,
      `[profile.secure]\naddress = "${proxy.address}"\n[profile.secure.tls]\n` +
        `server_ca_cert_path = "${pki.ca}"\nclient_cert_path = "${pki.clientCert}"\nclient_key_path = "${pki.clientKey}"\n`,
    );
    const fromProfile = await runCli(['schedules', 'list', '--profile', 'secure'], {
      TEMPORAL_CONFIG_FILE: profile,
    });
    assert.equal(fromProfile.code, 0, fromProfile.stderr);
    // --no-tls wins over the profile: plaintext to the TLS port, told as such.
    const forced = await runCli(['schedules', 'list', '--profile', 'secure', '--no-tls'], {
      TEMPORAL_CONFIG_FILE: profile,
    });
    assertOneLineFailure(forced, /expects TLS but the connection is plaintext: connect with --tls/);
  });

  it('without a client certificate: one line saying the server requires one', async () => {
    const r = await runCli(['schedules', 'list', '--address', proxy.address, '--tls-ca', pki.ca]);
    assertOneLineFailure(r, /requires a client certificate \(mTLS\).*--tls-cert and --tls-key/);
  });

  it('with a client certificate from another CA: one line saying it was not accepted', async () => {
    const r = await runCli(
      ['runs', 'list', '--address', proxy.address, '--tls-ca', pki.ca].concat([
        '--tls-cert',
        pki.otherClientCert,
        '--tls-key',
        pki.otherClientKey,
      ]),
    );
    assertOneLineFailure(r, /did not accept the client certificate/);
  });

  it('trusting another CA: one line saying the server certificate is not trusted', async () => {
    const r = await runCli([
      'schedules',
      'list',
      '--address',
      proxy.address,
      ...mtls,
      '--tls-ca',
      pki.otherCa,
    ]);
    assertOneLineFailure(r, /not signed by a trusted CA.*--tls-ca/);
  });

  it('TLS to the plaintext port, and plaintext to the TLS port: one line each', async () => {
    const tlsToPlain = await runCli(['schedules', 'list', '--address', temporal.config.address, ...mtls]);
    assertOneLineFailure(tlsToPlain, /does not speak TLS.*--no-tls/);
    const plainToTls = await runCli(['schedules', 'list', '--address', proxy.address]);
    assertOneLineFailure(plainToTls, /expects TLS but the connection is plaintext/);
  });

  it('--tls-server-name: a certificate for another name works only with the override', async () => {
    const wrong = await runCli(['schedules', 'list', '--address', internal.address, ...mtls]);
    assertOneLineFailure(
      wrong,
      /not valid for '127\.0\.0\.1' \(it is for DNS:temporal\.internal\).*--tls-server-name/,
    );
    const named = await runCli(
      ['setup', '--address', internal.address, ...mtls].concat([
        '--tls-server-name',
        'temporal.internal',
        '--database-url',
        db.url,
      ]),
    );
    assert.equal(named.code, 0, named.stderr);
  });

  it('bad TLS flags fail before connecting, naming the flag and the path', async () => {
    const missing = await runCli([
      'schedules',
      'list',
      '--address',
      proxy.address,
      '--tls-ca',
      join(dir, 'nope.pem'),
    ]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim(), `error: --tls-ca ${join(dir, 'nope.pem')}: no such file`);
    const certOnly = await runCli([
      'schedules',
      'list',
      '--address',
      proxy.address,
      '--tls-cert',
      pki.clientCert,
    ]);
    assert.equal(certOnly.code, 2);
    assert.match(certOnly.stderr, /--tls-cert needs --tls-key/);
    const keyAsCa = await runCli([
      'schedules',
      'list',
      '--address',
      proxy.address,
      '--tls-ca',
      pki.clientKey,
    ]);
    assert.match(keyAsCa.stderr, /--tls-ca .*client\.key: not a PEM certificate/);
    assert.doesNotMatch(keyAsCa.stderr, /PRIVATE KEY-----\n/);
  });
});
