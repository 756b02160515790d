/**
 * The record a started cluster leaves in its state dir (`cluster.json`, one pid file per node):
 * read by `--status`, and used by `--stop` to stop the nodes from another process.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../dev-server/dev-server';
import type { ClusterDatabases } from './databases';
import type { NodePorts } from './node-config';
import { stopGroup } from './node-process';
import type { ClusterTlsFiles } from './tls';

/** One node as recorded in the state file. */
export interface ClusterNodeInfo {
  /** 1-based. */
  readonly node: number;
  /** Frontend gRPC address, `127.0.0.1:<port>`. */
  readonly address: string;
  readonly ports: NodePorts;
  readonly pid: number | undefined;
  readonly logFile: string;
  readonly configFile: string;
}

/** What a started cluster is (also the content of `<stateDir>/cluster.json`). */
export interface ClusterInfo {
  readonly name: string;
  readonly stateDir: string;
  readonly serverVersion: string;
  readonly namespace: string;
  /** Frontend address of node 1. */
  readonly address: string;
  /** Frontend addresses of all nodes. */
  readonly addresses: string[];
  readonly nodes: ClusterNodeInfo[];
  /** PostgreSQL URL with the password replaced by `***`. */
  readonly postgresUrl: string;
  readonly databases: ClusterDatabases;
  /** Certificate paths when the cluster serves TLS. */
  readonly tls: ClusterTlsFiles | undefined;
}

/** Reads `<stateDir>/cluster.json`, or undefined when there is none. */
export function readClusterInfo(stateDir: string): ClusterInfo | undefined {
  const file = join(stateDir, 'cluster.json');
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo;
  // Pid files are the truth for detached nodes (a foreground run leaves none).
  const nodes = info.nodes.map((n) => {
    const pidFile = join(stateDir, `node-${n.node}.pid`);
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
    return { ...n, pid: pid !== undefined && Number.isInteger(pid) ? pid : undefined };
  });
  return { ...info, nodes };
}

/**
 * Stops the detached nodes of the cluster in `stateDir` and removes their pid files.
 * @returns the pids that were running
 */
export async function stopDetachedCluster(stateDir: string): Promise<number[]> {
  const info = readClusterInfo(stateDir);
  if (!info) return [];
  const running = info.nodes.flatMap((n) => (n.pid !== undefined && isAlive(n.pid) ? [n.pid] : []));
  await Promise.all(running.map((pid) => stopGroup(pid)));
  for (const n of info.nodes) rmSync(join(stateDir, `node-${n.node}.pid`), { force: true });
  return running;
}
