/**
 * The configuration file of one cluster node (all four services in one process, on loopback)
 * and the dynamic config the nodes share.
 */
import { stringify } from 'yaml';
import type { ClusterDatabases, PostgresTarget } from './databases';
import type { ClusterTlsFiles } from './tls';

/** The services every node runs. */
export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
/** One of {@link SERVICES}. */
export type ServiceName = (typeof SERVICES)[number];

/** Ports of one node: a gRPC and a membership (ringpop) port per service, and the frontend's HTTP port. */
export interface NodePorts {
  readonly frontend: number;
  readonly frontendMembership: number;
  readonly frontendHttp: number;
  readonly history: number;
  readonly historyMembership: number;
  readonly matching: number;
  readonly matchingMembership: number;
  readonly worker: number;
  readonly workerMembership: number;
}

/** Number of ports a node needs. */
export const PORTS_PER_NODE = 9;

/** Assigns the nine ports of a node from a list of free ports. */
export function nodePorts(ports: readonly number[]): NodePorts {
  if (ports.length !== PORTS_PER_NODE) throw new Error(`a node needs ${PORTS_PER_NODE} ports`);
  const [f, fm, fh, h, hm, m, mm, w, wm] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    frontend: f,
    frontendMembership: fm,
    frontendHttp: fh,
    history: h,
    historyMembership: hm,
    matching: m,
    matchingMembership: mm,
    worker: w,
    workerMembership: wm,
  };
}

/** Inputs of {@link nodeConfigYaml}. */
export interface NodeConfigInput {
  readonly ports: NodePorts;
  /** Frontend address of node 1, announced as the cluster's own address. */
  readonly clusterAddress: string;
  readonly postgres: PostgresTarget;
  readonly databases: ClusterDatabases;
  readonly numHistoryShards: number;
  readonly dynamicConfigFile: string;
  readonly tls?: ClusterTlsFiles;
}

/** The node's YAML configuration (contains the PostgreSQL password when the URL has one). */
export function nodeConfigYaml(input: NodeConfigInput): string {
  const { ports, postgres } = input;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host.includes(':') ? `[${postgres.host}]` : postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: {
      grpcPort,
      membershipPort,
      bindOnIP: '127.0.0.1',
      ...(httpPort !== undefined ? { httpPort } : {}),
    },
  });
  const config = {
    // The process's output goes to the node's log file.
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.numHistoryShards,
      datastores: {
        'postgres-default': store(input.databases.persistence, 10),
        'postgres-visibility': store(input.databases.visibility, 5),
      },
    },
    global: {
      // The nodes find each other through the cluster_membership table and gossip over ringpop.
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(input.tls ? { tls: tlsSection(input.tls) } : {}),
    },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership, ports.frontendHttp),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: input.clusterAddress,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
  return stringify(config);
}

/**
 * Mutual TLS everywhere: frontends accept only clients with a certificate signed by the CA, the
 * nodes authenticate each other with the server certificate, and the system worker connects to
 * the frontends with the client certificate.
 */
function tlsSection(tls: ClusterTlsFiles) {
  const server = {
    certFile: tls.serverCert,
    keyFile: tls.serverKey,
    requireClientAuth: true,
    clientCaFiles: [tls.ca],
  };
  const client = { serverName: tls.serverName, rootCaFiles: [tls.ca] };
  return {
    internode: { server, client },
    frontend: { server, client },
    systemWorker: { certFile: tls.clientCert, keyFile: tls.clientKey, client },
  };
}

/** Dynamic config shared by the nodes: schedules may start more workflows per second than the default 30. */
export function dynamicConfigYaml(): string {
  return stringify({
    'worker.schedulerNamespaceStartWorkflowRPS': [{ value: 500 }],
    'frontend.namespaceRPS.visibility': [{ value: 1000 }],
    // New search attributes are visible on every node at once instead of after a cache refresh.
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
    'limit.maxIDLength': [{ value: 255 }],
  });
}
