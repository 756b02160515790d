/**
 * `durable-cron cluster --tls` serves mutual TLS: a client with a certificate signed by the
 * cluster's CA connects; one without a certificate, or without TLS, is refused. A schedule fires
 * through it, which needs the nodes' internode TLS and the system worker's client certificate.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { frontendAnswers } from '../../src/cluster/node-process';
import { startTestCluster, type TestCluster } from '../helpers/cluster';
import { eventually } from '../helpers/temporal';

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
});
