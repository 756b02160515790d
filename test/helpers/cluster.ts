/**
 * A real two-node Temporal cluster on the machine's PostgreSQL for one test file: free ports,
 * databases of its own (dropped by `stop`), state in a temporary directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../../src/cluster/cluster';
import {
  clusterDatabases,
  dropClusterDatabases,
  parsePostgresUrl,
  DEFAULT_POSTGRES_URL,
} from '../../src/cluster/databases';
import { findOrBuildServerBinaries } from '../../src/cluster/server-binaries';
import { clusterPostgresUrl } from '../../src/config';

/** A started test cluster; `stop` kills every node and drops its databases. */
export interface TestCluster {
  readonly cluster: Cluster;
  stop(): Promise<void>;
}

/** Starts a cluster named `t<random>` (with mutual TLS when `tls`). */
export async function startTestCluster(options: { tls?: boolean } = {}): Promise<TestCluster> {
  const binaries = await findOrBuildServerBinaries({ log: (line) => console.error(line) });
  const name = `t${randomUUID().slice(0, 8)}`;
  const stateDir = mkdtempSync(join(tmpdir(), `durable-cron-cluster-${name}-`));
  const postgresUrl = clusterPostgresUrl(undefined) ?? DEFAULT_POSTGRES_URL;
  const databases = clusterDatabases(name);
  const cleanup = async () => {
    await dropClusterDatabases(parsePostgresUrl(postgresUrl), databases);
    rmSync(stateDir, { recursive: true, force: true });
  };
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      binaries,
      name,
      stateDir,
      postgresUrl,
      tls: options.tls,
      startTimeoutMs: 180_000,
      log: (line) => console.error(`[cluster ${name}] ${line}`),
    });
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
  return {
    cluster,
    stop: async () => {
      try {
        await cluster.stop();
      } finally {
        await cleanup();
      }
    },
  };
}
