/**
 * A two-node Temporal cluster on one machine, the production topology in miniature: two
 * `temporal-server` processes, each running frontend, history, matching and worker, joined into
 * one membership ring, storing everything (persistence and advanced visibility) in PostgreSQL.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { Client, Connection, isGrpcServiceError, type TLSConfig } from '@temporalio/client';
import { delay, isAlive, portIsFree } from '../dev-server/dev-server';
import { DurableCronError, UsageError, errorMessage } from '../errors';
import { registerSearchAttributes } from '../search-attributes';
import { clusterDatabases, DEFAULT_POSTGRES_URL, ensureSchemas, parsePostgresUrl } from './databases';
import { dynamicConfigYaml, nodeConfigYaml, nodePorts, PORTS_PER_NODE, type NodePorts } from './node-config';
import { signalGroup, spawnNode, stopGroup, waitForFrontend, type NodeProcess } from './node-process';
import { readClusterInfo, type ClusterInfo } from './cluster-state';
import type { ServerBinaries } from './server-binaries';
import { ensureClusterTls, type ClusterTlsFiles } from './tls';

export type { ClusterInfo, ClusterNodeInfo } from './cluster-state';
export { readClusterInfo, stopDetachedCluster } from './cluster-state';

/** Number of server nodes. */
export const NODE_COUNT = 2;
/** Default cluster name (databases `temporal_local`, `temporal_local_visibility`). */
export const DEFAULT_CLUSTER_NAME = 'local';

/** Options for {@link startCluster}. */
export interface ClusterOptions {
  readonly binaries: ServerBinaries;
  /** Names the state dir and the databases; letters, digits, `_` and `-`. @default 'local' */
  readonly name?: string;
  /** Config, logs, pid files and certificates. @default .data/cluster/<name> */
  readonly stateDir?: string;
  /** PostgreSQL server (the database in the URL is only used to create the cluster's). @default postgres://postgres@127.0.0.1:5432/postgres */
  readonly postgresUrl?: string;
  /** First port: node i (0-based) uses the 9 ports from basePort + 20·i. @default free ports below 32768 chosen at random */
  readonly basePort?: number;
  /** Namespace registered with durable-cron's search attributes. @default 'default' */
  readonly namespace?: string;
  /** Retention of closed workflows in the namespace, in hours. @default 72 */
  readonly retentionHours?: number;
  /** Serve mutual TLS with a generated CA (see {@link ClusterTlsFiles}). @default false */
  readonly tls?: boolean;
  /** Leave the nodes running when this process exits (`stop` still stops them). @default false */
  readonly detach?: boolean;
  /** @default 4 */
  readonly numHistoryShards?: number;
  /** Bound of each readiness wait. @default 120 s */
  readonly startTimeoutMs?: number;
  /** Receives progress lines. @default no output */
  readonly log?: (line: string) => void;
  /** Aborting it while the cluster starts stops the nodes started so far and rejects. */
  readonly signal?: AbortSignal;
}

/** A running cluster started by this process. */
export interface Cluster extends ClusterInfo {
  /** Connection options for the SDK's `Connection.connect` (TLS with the client certificate when on). */
  readonly connectionOptions: { address: string; tls?: TLSConfig };
  /** SIGKILLs node `node` (1-based), as a crash would. */
  killNode(node: number): Promise<void>;
  /** Starts node `node` (1-based) again with the same config and waits until it serves. */
  restartNode(node: number): Promise<void>;
  /** Stops every node (SIGTERM, then SIGKILL), also when detached. */
  stop(): Promise<void>;
  /** Resolves when a node exits by itself (never when detached). */
  readonly exited: Promise<number>;
}

/** The state dir of the cluster called `name`: `.data/cluster/<name>`. */
export function clusterStateDir(name = DEFAULT_CLUSTER_NAME): string {
  return resolve('.data', 'cluster', name);
}

/** Checks a cluster name. @throws {UsageError} */
export function checkClusterName(name: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) {
    throw new UsageError(
      `--name '${name}' must be 1-40 lower-case letters, digits, '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/**
 * Creates or updates the schemas, writes the node configs (and certificates with `tls`), starts both
 * nodes, waits until both frontends serve, and registers the namespace and durable-cron's search
 * attributes.
 * @throws {UsageError} on bad options or ports in use
 * @throws {DurableCronError} when PostgreSQL, the schema tool or a node fails (with the node's last log lines)
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const name = checkClusterName(options.name ?? DEFAULT_CLUSTER_NAME);
  const stateDir = resolve(options.stateDir ?? clusterStateDir(name));
  const log = options.log ?? (() => {});
  const postgres = parsePostgresUrl(options.postgresUrl ?? DEFAULT_POSTGRES_URL);
  const namespace = options.namespace ?? 'default';
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const running = readClusterInfo(stateDir)?.nodes.filter((n) => n.pid !== undefined && isAlive(n.pid));
  if (running && running.length > 0) {
    throw new UsageError(
      `cluster '${name}' is already running (pids ${running.map((n) => n.pid).join(', ')}); ` +
        `stop it first with: durable-cron cluster --stop --name ${name}`,
    );
  }
  const ports = await allocatePorts(options.basePort);
  const databases = clusterDatabases(name);
  mkdirSync(stateDir, { recursive: true });
  const tls = options.tls ? ensureClusterTls(stateDir) : undefined;
  if (!options.tls) rmSync(join(stateDir, 'tls'), { recursive: true, force: true });
  await ensureSchemas(options.binaries, postgres, databases, log);

  const dynamicConfigFile = join(stateDir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, dynamicConfigYaml());
  const address = (p: NodePorts) => `127.0.0.1:${p.frontend}`;
  const nodes = ports.map((p, i) => {
    const dir = join(stateDir, `node-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'node.yaml');
    const logFile = join(stateDir, `node-${i + 1}.log`);
    const yaml = nodeConfigYaml({
      ports: p,
      clusterAddress: address(ports[0] as NodePorts),
      postgres,
      databases,
      numHistoryShards: options.numHistoryShards ?? 4,
      dynamicConfigFile,
      tls,
    });
    writeFileSync(configFile, yaml, { mode: 0o600 });
    chmodSync(configFile, 0o600); // it holds the PostgreSQL password, if any
    return { node: i + 1, address: address(p), ports: p, dir, configFile, logFile };
  });

  const tlsConfig = tls ? clientTls(tls) : undefined;
  const processes: (NodeProcess | undefined)[] = nodes.map(() => undefined);
  let exitedByItself: (code: number) => void = () => {};
  const exited = new Promise<number>((done) => (exitedByItself = done));
  const stopping = new Set<number>();
  const startNode = (index: number) => {
    const node = nodes[index] as (typeof nodes)[number];
    log(`Starting node ${node.node} (frontend ${node.address}, log ${node.logFile})`);
    const proc = spawnNode(options.binaries.server, node.dir, node.logFile, options.detach === true);
    processes[index] = proc;
    // Also in the foreground: `--status` and `--stop` from another shell find the nodes.
    writeFileSync(join(stateDir, `node-${node.node}.pid`), `${proc.pid}\n`);
    void proc.exited.then((code) => {
      if (!stopping.has(index) && processes[index] === proc) exitedByItself(code ?? 1);
    });
    return proc;
  };
  const stopAll = async () => {
    await Promise.all(
      processes.map(async (proc, index) => {
        if (!proc) return;
        stopping.add(index);
        await stopGroup(proc.pid);
      }),
    );
    for (const node of nodes) rmSync(join(stateDir, `node-${node.node}.pid`), { force: true });
  };

  // The nodes run in process groups of their own (so they can be killed as a whole), which also
  // keeps Ctrl-C from reaching them: an abort while starting stops them here.
  const onAbort = () => void stopAll();
  options.signal?.addEventListener('abort', onAbort);
  try {
    // Node 1 first: it creates the cluster metadata; node 2 then joins its ring.
    for (let i = 0; i < nodes.length; i += 1) {
      const node = nodes[i] as (typeof nodes)[number];
      if (options.signal?.aborted) throw new DurableCronError('interrupted while starting the cluster');
      const proc = startNode(i);
      await waitForFrontend(`node ${node.node}`, node.address, tlsConfig, proc, node.logFile, timeoutMs);
    }
    log(`Registering namespace '${namespace}' and durable-cron's search attributes`);
    await registerNamespace(
      nodes[0]?.address as string,
      tlsConfig,
      namespace,
      options.retentionHours ?? 72,
      timeoutMs,
    );
    for (const node of nodes) await waitForNamespace(node.address, tlsConfig, namespace, timeoutMs);
  } catch (err) {
    await stopAll();
    if (options.signal?.aborted) throw new DurableCronError('interrupted while starting the cluster');
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }

  const info: ClusterInfo = {
    name,
    stateDir,
    serverVersion: options.binaries.version,
    namespace,
    address: nodes[0]?.address as string,
    addresses: nodes.map((n) => n.address),
    nodes: nodes.map((n, i) => ({
      node: n.node,
      address: n.address,
      ports: n.ports,
      pid: processes[i]?.pid,
      logFile: n.logFile,
      configFile: n.configFile,
    })),
    postgresUrl: postgres.redacted,
    databases,
    tls,
  };
  writeFileSync(join(stateDir, 'cluster.json'), `${JSON.stringify(info, null, 2)}\n`);
  const nodeIndex = (node: number) => {
    if (!Number.isInteger(node) || node < 1 || node > nodes.length) {
      throw new UsageError(`node must be 1-${nodes.length}, got ${node}`);
    }
    return node - 1;
  };
  return {
    ...info,
    get nodes() {
      return info.nodes.map((n, i) => ({ ...n, pid: processes[i]?.pid }));
    },
    connectionOptions: { address: info.address, ...(tlsConfig ? { tls: tlsConfig } : {}) },
    killNode: async (node) => {
      const index = nodeIndex(node);
      const proc = processes[index];
      if (!proc) return;
      stopping.add(index);
      signalGroup(proc.pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(proc.pid) && Date.now() < deadline) await delay(50);
    },
    restartNode: async (node) => {
      const index = nodeIndex(node);
      const current = processes[index];
      if (current && isAlive(current.pid)) await stopGroup(current.pid);
      const spec = nodes[index] as (typeof nodes)[number];
      const proc = startNode(index);
      stopping.delete(index);
      try {
        await waitForFrontend(`node ${node}`, spec.address, tlsConfig, proc, spec.logFile, timeoutMs);
        await waitForNamespace(spec.address, tlsConfig, namespace, timeoutMs);
      } catch (err) {
        await stopGroup(proc.pid);
        throw err;
      }
    },
    stop: stopAll,
    exited: options.detach ? new Promise(() => {}) : exited,
  };
}

async function allocatePorts(basePort: number | undefined): Promise<NodePorts[]> {
  const all: number[][] = [];
  const taken = new Set<number>();
  for (let i = 0; i < NODE_COUNT; i += 1) {
    const ports: number[] = [];
    for (let k = 0; k < PORTS_PER_NODE; k += 1) {
      if (basePort !== undefined) {
        const port = basePort + 20 * i + k;
        if (port > 65535) throw new UsageError(`--port ${basePort} leaves no room for ${NODE_COUNT} nodes`);
        if (!(await portIsFree('127.0.0.1', port))) {
          throw new UsageError(`port ${port} (node ${i + 1}) is in use; pick other ports with --port`);
        }
        ports.push(port);
      } else {
        const port = await freeLowPort(taken);
        taken.add(port);
        ports.push(port);
      }
    }
    all.push(ports);
  }
  return all.map(nodePorts);
}

/**
 * A free port below 32768: Temporal stores membership ports in a PostgreSQL smallint, so the
 * system's ephemeral ports (usually 32768-60999) cannot be used.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (!taken.has(port) && (await portIsFree('127.0.0.1', port))) return port;
  }
  throw new DurableCronError('no free port found between 10000 and 32000');
}

async function withConnection<T>(
  address: string,
  tls: TLSConfig | undefined,
  namespace: string,
  use: (connection: Connection, client: Client) => Promise<T>,
): Promise<T> {
  const connection = await Connection.connect({ address, tls, connectTimeout: 10_000 });
  try {
    return await use(connection, new Client({ connection, namespace }));
  } finally {
    await connection.close();
  }
}

async function registerNamespace(
  address: string,
  tls: TLSConfig | undefined,
  namespace: string,
  retentionHours: number,
  timeoutMs: number,
): Promise<void> {
  await withConnection(address, tls, namespace, async (connection, client) => {
    await retrying(`registering namespace '${namespace}' on ${address}`, timeoutMs, async () => {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(retentionHours * 3_600_000),
        });
      } catch (err) {
        if (!(isGrpcServiceError(err) && err.code === grpcStatus.ALREADY_EXISTS)) throw err;
      }
    });
    await waitForNamespace(address, tls, namespace, timeoutMs);
    await retrying(`registering search attributes on ${address}`, timeoutMs, () =>
      registerSearchAttributes(connection, client, namespace, timeoutMs),
    );
  });
}

/** Waits until the node's frontend knows the namespace (each node refreshes its namespace cache). */
async function waitForNamespace(
  address: string,
  tls: TLSConfig | undefined,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  await withConnection(address, tls, namespace, async (connection) => {
    await retrying(`namespace '${namespace}' on ${address}`, timeoutMs, async () => {
      await connection.workflowService.describeNamespace({ namespace });
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
    });
  });
}

async function retrying<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new DurableCronError(`${what}: not done within ${timeoutMs / 1000}s: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      await delay(500);
    }
  }
}

/** TLS options for the SDK from the cluster's files: the CA, the client certificate and the server name. */
export function clientTls(tls: ClusterTlsFiles): TLSConfig {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.ca),
    clientCertPair: { crt: readFileSync(tls.clientCert), key: readFileSync(tls.clientKey) },
  };
}
