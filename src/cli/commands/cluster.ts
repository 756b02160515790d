/** `durable-cron cluster`: a two-node Temporal cluster on PostgreSQL, on this machine. */
import { clusterPostgresUrl } from '../../config';
import {
  checkClusterName,
  clientTls,
  clusterStateDir,
  readClusterInfo,
  startCluster,
  stopDetachedCluster,
  type Cluster,
  type ClusterInfo,
} from '../../cluster/cluster';
import { dropClusterDatabases, parsePostgresUrl, DEFAULT_POSTGRES_URL } from '../../cluster/databases';
import { frontendAnswers } from '../../cluster/node-process';
import { isAlive } from '../../dev-server/dev-server';
import { findOrBuildServerBinaries } from '../../cluster/server-binaries';
import { UsageError } from '../../errors';
import { printJson, type Output } from '../output';

/** Flags of `cluster`. */
export interface ClusterFlags {
  name: string;
  postgresUrl?: string;
  /** Checked by the options' parsers. */
  port: number;
  retention: number;
  tls?: boolean;
  detach?: boolean;
  stop?: boolean;
  dropDatabases?: boolean;
  status?: boolean;
  installOnly?: boolean;
  json?: boolean;
}

/**
 * Runs `cluster`: `--install-only`, `--status` and `--stop` report and return; otherwise starts the
 * cluster, in the background with `--detach`, else until Ctrl-C.
 */
export async function runCluster(flags: ClusterFlags, namespace: string, output: Output): Promise<void> {
  const name = checkClusterName(flags.name);
  const stateDir = clusterStateDir(name);
  const { port, retention: retentionHours } = flags;
  const postgresUrl = clusterPostgresUrl(flags.postgresUrl) ?? DEFAULT_POSTGRES_URL;
  const postgres = parsePostgresUrl(
    postgresUrl,
    flags.postgresUrl ? '--postgres-url' : 'DURABLE_CRON_CLUSTER_POSTGRES_URL',
  );
  if (flags.dropDatabases && !flags.stop) throw new UsageError('--drop-databases only goes with --stop');

  if (flags.status) return printStatus(name, stateDir, flags.json === true, output);
  if (flags.stop) {
    const info = readClusterInfo(stateDir);
    const stopped = await stopDetachedCluster(stateDir);
    if (flags.dropDatabases && info) await dropClusterDatabases(postgres, info.databases);
    if (flags.json) {
      printJson(output, {
        name,
        stopped,
        droppedDatabases: flags.dropDatabases && info ? info.databases : null,
      });
    } else {
      output.out(
        stopped.length > 0
          ? `Stopped cluster '${name}' (pids ${stopped.join(', ')}).`
          : `No running cluster '${name}' found in ${stateDir}.`,
      );
      if (flags.dropDatabases && info) {
        output.out(`Dropped databases ${info.databases.persistence}, ${info.databases.visibility}.`);
      }
    }
    return;
  }

  const binaries = await findOrBuildServerBinaries({ log: (line) => output.err(line) });
  if (flags.installOnly) {
    if (flags.json) printJson(output, binaries);
    else output.out(`Temporal server ${binaries.version} (${binaries.source}): ${binaries.server}`);
    return;
  }
  // Ctrl-C while starting stops the nodes started so far (they do not receive it themselves).
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const cluster = await startCluster({
    signal: interrupted.signal,
    binaries,
    name,
    stateDir,
    postgresUrl,
    basePort: port,
    namespace,
    retentionHours,
    tls: flags.tls,
    detach: flags.detach,
    log: (line) => output.err(line),
  }).finally(() => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  });
  if (flags.json) printJson(output, describe(cluster, true));
  else printSummary(cluster, output);
  if (flags.detach) {
    if (!flags.json)
      output.out(`Running in the background; stop it with: durable-cron cluster --stop --name ${name}`);
    return;
  }
  output.out('Press Ctrl-C to stop both nodes.');
  const signal = await new Promise<string>((done) => {
    const finish = (why: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(why);
    };
    const onInt = finish('SIGINT');
    const onTerm = finish('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    void cluster.exited.then(finish('exit'));
  });
  output.out(signal === 'exit' ? 'A node exited; stopping the cluster...' : 'Stopping the cluster...');
  await cluster.stop();
}

/** The JSON of `--json` and `--status --json`: the recorded fields only (no handles). */
function describe(info: ClusterInfo, running: boolean) {
  const { name, stateDir, serverVersion, namespace, address, addresses, nodes, postgresUrl, databases, tls } =
    info;
  return {
    running,
    name,
    stateDir,
    serverVersion,
    namespace,
    address,
    addresses,
    nodes,
    postgresUrl,
    databases,
    tls,
  };
}

function printSummary(cluster: Cluster, output: Output): void {
  output.out(
    `Temporal cluster '${cluster.name}' (server ${cluster.serverVersion}, ${cluster.nodes.length} nodes) on PostgreSQL ${cluster.postgresUrl}`,
  );
  for (const node of cluster.nodes) {
    output.out(
      `  node ${node.node}: frontend ${node.address}${node.pid ? `, pid ${node.pid}` : ''}, log ${node.logFile}`,
    );
  }
  output.out(`  databases: ${cluster.databases.persistence}, ${cluster.databases.visibility}`);
  output.out(`  namespace: ${cluster.namespace}`);
  if (cluster.tls) {
    output.out(
      `  mutual TLS: CA ${cluster.tls.ca}, client ${cluster.tls.clientCert} / ${cluster.tls.clientKey}`,
    );
  }
  output.out(
    `Point durable-cron at it with: --address ${cluster.address} (or TEMPORAL_ADDRESS=${cluster.address})`,
  );
}

async function printStatus(name: string, stateDir: string, json: boolean, output: Output): Promise<void> {
  const info = readClusterInfo(stateDir);
  if (!info) {
    if (json) printJson(output, { name, running: false, stateDir });
    else
      output.out(
        `No cluster '${name}' in ${stateDir} (start one with: durable-cron cluster --name ${name}).`,
      );
    return;
  }
  const tls = info.tls ? clientTls(info.tls) : undefined;
  const nodes = await Promise.all(
    info.nodes.map(async (node) => ({
      ...node,
      alive: node.pid !== undefined && isAlive(node.pid),
      serving: await frontendAnswers(node.address, tls, 2_000),
    })),
  );
  const running = nodes.some((n) => n.serving);
  if (json) {
    printJson(output, { ...describe(info, running), nodes });
    return;
  }
  output.out(`Cluster '${name}' (${stateDir}): ${running ? 'running' : 'not running'}`);
  for (const node of nodes) {
    output.out(
      `  node ${node.node}: frontend ${node.address} ${node.serving ? 'serving' : 'not serving'}` +
        `${node.pid !== undefined ? `, pid ${node.pid}${node.alive ? '' : ' (gone)'}` : ''}`,
    );
  }
  output.out(
    `  databases: ${info.databases.persistence}, ${info.databases.visibility} on ${info.postgresUrl}`,
  );
  if (info.tls) output.out(`  TLS files: ${info.tls.dir}`);
}
