/**
 * `durable-cron cluster --tls` serves mutual TLS: a client with a certificate signed by the
 * cluster's CA connects; one without a certificate, or without TLS, is refused. A schedule fires
 * through it, which needs the nodes' internode TLS and the system worker's client certificate.
 * durable-cron's own CLI and worker pool connect with `--tls-ca/--tls-cert/--tls-key`, and each
 * wrong setting (no client certificate, an untrusted CA, a certificate from another CA, the
 * wrong server name) fails with one line.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { frontendAnswers } from '../../src/cluster/node-process';
import { runCli } from '../helpers/cli';
import { startCliWorker } from '../helpers/cli-worker';
import { startTestCluster, type TestCluster } from '../helpers/cluster';
import { startTestDatabase } from '../helpers/database';
import { eventually } from '../helpers/temporal';
import { assertOneLineFailure, makeTestPki } from '../helpers/tls';

describe('cluster with mutual TLS', () => {
  let test: TestCluster | undefined;

  before(async () => {
    test = await startTestCluster({ tls: true });
  });

  after(async () => {
    await test?.stop();
  });

  it('accepts a client certificate signed by its CA and refuses clients without one', async () => {
    const { cluster } = test as TestCluster;
    const tls = cluster.tls;
    assert.ok(tls, 'the cluster reports its TLS files');
    assert.match(tls.ca, /\/tls\/ca\.pem$/);
    const ca = readFileSync(tls.ca);
    const clientCertPair = { crt: readFileSync(tls.clientCert), key: readFileSync(tls.clientKey) };

    for (const address of cluster.addresses) {
      const connection = await Connection.connect({
        address,
        tls: { serverRootCACertificate: ca, clientCertPair, serverNameOverride: tls.serverName },
      });
      try {
        const info = await connection.workflowService.getSystemInfo({});
        assert.ok(info.serverVersion?.startsWith('1.29'), `server version ${info.serverVersion}`);
        const ns = await connection.workflowService.describeNamespace({ namespace: cluster.namespace });
        assert.equal(ns.namespaceInfo?.name, cluster.namespace);
      } finally {
        await connection.close();
      }
      // Server verified, but no client certificate: the handshake is refused.
      assert.equal(
        await frontendAnswers(
          address,
          { serverRootCACertificate: ca, serverNameOverride: tls.serverName },
          5_000,
        ),
        false,
      );
      // Plain text against a TLS port.
      assert.equal(await frontendAnswers(address, undefined, 5_000), false);
    }
  });

  it('fires a schedule (the system worker reaches the frontends over mutual TLS)', async () => {
    const { cluster } = test as TestCluster;
    const connection = await Connection.connect(cluster.connectionOptions);
    try {
      const client = new Client({ connection, namespace: cluster.namespace });
      const scheduleId = `tls-${randomUUID().slice(0, 8)}`;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1s' }] },
        action: { type: 'startWorkflow', workflowType: 'noWorkerNeeded', taskQueue: `tls-${scheduleId}` },
      });
      try {
        const described = await eventually(
          'the schedule to start a workflow',
          async () => {
            const d = await handle.describe();
            return d.info.recentActions.length > 0 ? d : undefined;
          },
          90_000,
        );
        assert.ok(described.info.recentActions[0]?.action.workflow.workflowId.startsWith(scheduleId));
      } finally {
        await handle.delete();
      }
    } finally {
      await connection.close();
    }
  });

  it("durable-cron's CLI and worker pool connect with the client certificate; wrong settings fail in one line", async () => {
    const { cluster } = test as TestCluster;
    const tls = cluster.tls;
    assert.ok(tls);
    const other = makeTestPki();
    const db = await startTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'durable-cron-cluster-tls-'));
    const queue = `tls-cli-${randomUUID().slice(0, 8)}`;
    const jobId = `tls-cli-${randomUUID().slice(0, 8)}`;
    const at = ['--address', cluster.address, '--namespace', cluster.namespace, '--task-queue', queue];
    const mtls = ['--tls-ca', tls.ca, '--tls-cert', tls.clientCert, '--tls-key', tls.clientKey];
    const worker = { current: undefined as Awaited<ReturnType<typeof startCliWorker>> | undefined };
    try {
      const setup = await runCli(['setup', ...at, ...mtls, '--database-url', db.url]);
      assert.equal(setup.code, 0, setup.stderr);
      const node = JSON.stringify(process.execPath);
      writeFileSync(
        join(dir, 'jobs.yaml'),
        `version: 1\njobs:\n  - { id: ${jobId}, type: command, customer: acme, env: test, schedule: { cron: '0 0 1 1 *' },\n` +
          `      input: { argv: [${node}, -e, 'console.log("over mtls")'] } }\n`,
      );
      const apply = await runCli(['apply', ...at, ...mtls, '-f', 'jobs.yaml'], {}, dir);
      assert.equal(apply.code, 0, apply.stderr);
      worker.current = await startCliWorker(
        ['--processes', '1', '--grace', '1s', '--allow-command', ...at, ...mtls, '--database-url', db.url],
        { cwd: dir },
      );
      const trigger = await runCli(['schedules', 'trigger', jobId, ...at, ...mtls]);
      assert.equal(trigger.code, 0, trigger.stderr);
      await eventually(
        'the triggered run to complete',
        async () => {
          const list = await runCli([
            'runs',
            'list',
            ...at,
            ...mtls,
            '--job',
            jobId,
            '--status',
            'completed',
            '--count',
          ]);
          return list.code === 0 && Number(list.stdout.trim()) >= 1 ? true : undefined;
        },
        90_000,
      );

      // The certificate names localhost and 127.0.0.1: another name must be asked for explicitly.
      const named = await runCli(['schedules', 'list', ...at, ...mtls, '--tls-server-name', 'localhost']);
      assert.equal(named.code, 0, named.stderr);
      const wrongName = await runCli([
        'schedules',
        'list',
        ...at,
        ...mtls,
        '--tls-server-name',
        'temporal.internal',
      ]);
      assertOneLineFailure(wrongName, /not valid for 'temporal\.internal'.*--tls-server-name/);
      const noCert = await runCli(['schedules', 'list', ...at, '--tls-ca', tls.ca]);
      assertOneLineFailure(noCert, /client certificate/);
      const untrusted = await runCli(['schedules', 'list', ...at, ...mtls, '--tls-ca', other.ca]);
      assertOneLineFailure(untrusted, /not signed by a trusted CA.*--tls-ca/);
      const foreignCert = await runCli([
        'runs',
        'list',
        ...at,
        '--tls-ca',
        tls.ca,
        '--tls-cert',
        other.otherClientCert,
        '--tls-key',
        other.otherClientKey,
      ]);
      assertOneLineFailure(foreignCert, /client certificate/);
      const plaintext = await runCli(['schedules', 'list', ...at]);
      assertOneLineFailure(plaintext, /expects TLS but the connection is plaintext/);
    } finally {
      await worker.current?.stop();
      await db.close();
      other.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
