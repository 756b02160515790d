/**
 * A fresh Temporal server for one measurement, so that no measurement pays for what an earlier
 * one left in the server's store (closed runs, deleted schedules, visibility rows): a dev server
 * in memory, or a two-node cluster on the local PostgreSQL with its own new databases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, ScheduleNotFoundError, type TLSConfig } from '@temporalio/client';
import { startCluster } from '../../src/cluster/cluster';
import { clientInterceptors } from '../../src/connection';
import { DEFAULT_POSTGRES_URL, dropClusterDatabases, parsePostgresUrl } from '../../src/cluster/databases';
import { findOrBuildServerBinaries } from '../../src/cluster/server-binaries';
import {
  DEV_DYNAMIC_CONFIG,
  freePort,
  startDevServer,
  type DevServer,
} from '../../src/dev-server/dev-server';
import type { TemporalCli } from '../../src/dev-server/temporal-cli';
import { mapConcurrent } from '../../src/schedules/rpc';
import type { BenchContext } from './context';
import type { BenchOptions } from './options';
import { delay } from './processes';

/**
 * Dynamic config of every bench dev server on top of the dev server's own (DEV_DYNAMIC_CONFIG):
 * the per-namespace system worker that runs every schedule's own workflow polls with 2 workflow
 * and 2 activity pollers by default; with hundreds of schedules firing at once that worker, not
 * the workers under test, was the bottleneck (a new schedule's first fire came up to 2 minutes
 * late, and at 300 schedules every 30 s three in four fires of a 30 s window had not started a
 * minute after it).
 */
export const BENCH_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'worker.perNamespaceWorkerOptions': {
    MaxConcurrentWorkflowTaskPollers: 16,
    MaxConcurrentActivityTaskPollers: 16,
  },
};

/** What the bench's dev servers run with, for the report. */
export function benchServerDescription(servers: BenchOptions['servers']): string {
  return (
    `temporal server start-dev (in memory, headless) started by the bench, ${servers === 'fresh' ? 'a fresh one per measurement' : 'one for every measurement (its schedules deleted after each)'}, with ` +
    Object.entries({ ...DEV_DYNAMIC_CONFIG, ...BENCH_DYNAMIC_CONFIG })
      .map(([key, value]) => `--dynamic-config-value ${key}=${JSON.stringify(value)}`)
      .join(' ') +
    ' (defaults: 30 schedule starts/s per namespace, 10 visibility queries/s, 2 + 2 system worker pollers)'
  );
}

/** Where a dev-server measurement runs, in words for the report's notes. */
export function measurementServer(ctx: BenchContext): string {
  return ctx.options.servers === 'fresh'
    ? 'a fresh dev server of its own'
    : "the run's one dev server (`--servers shared`: its schedules deleted after each measurement)";
}

/** A dev server with the bench's dynamic config, on a free port, in memory, without the Web UI. */
export async function startBenchDevServer(cli: TemporalCli): Promise<DevServer> {
  return startDevServer({ cli, port: await freePort(), headless: true, dynamicConfig: BENCH_DYNAMIC_CONFIG });
}

/** The kinds of server a measurement can run on. */
export type ServerKind = 'dev' | 'cluster';

/** A fresh server, connected. */
export interface FreshServer {
  readonly client: Client;
  /** Its gRPC address (a worker connects here). */
  readonly address: string;
  /** The processes whose CPU counts as the server's. */
  readonly pids: readonly number[];
}

/**
 * Starts a fresh server of `kind`, runs `body` against it, and stops it (dropping a cluster's
 * databases) whatever `body` did. With `--servers shared` a dev-server measurement runs on the
 * run's own server instead, whose schedules are deleted afterwards.
 */
export async function withFreshServer<T>(
  ctx: BenchContext,
  kind: ServerKind,
  label: string,
  body: (server: FreshServer) => Promise<T>,
): Promise<T> {
  if (kind === 'cluster') return withCluster(ctx, label, body);
  if (ctx.options.servers === 'shared') {
    try {
      const pids = ctx.serverPid === undefined ? [] : [ctx.serverPid];
      return await body({ client: ctx.client, address: ctx.address, pids });
    } finally {
      await deleteAllSchedules(ctx.client);
    }
  }
  const server = await startBenchDevServer(ctx.temporalCli);
  try {
    const pids = server.pid === undefined ? [] : [server.pid];
    return await withClient(server.address, undefined, (client) =>
      body({ client, address: server.address, pids }),
    );
  } finally {
    await server.stop();
  }
}

/**
 * The bench context pointed at a fresh server of `kind`: for measurements written against the
 * context (its client, address and server pid).
 */
export async function withFreshContext<T>(
  ctx: BenchContext,
  kind: ServerKind,
  label: string,
  body: (fresh: BenchContext, server: FreshServer) => Promise<T>,
): Promise<T> {
  return withFreshServer(ctx, kind, label, (server) =>
    body({ ...ctx, client: server.client, address: server.address, serverPid: server.pids[0] }, server),
  );
}

/**
 * Deletes every schedule of the namespace and waits (at most 60 s) until the eventually consistent
 * schedule list shows none, so that the next measurement's `apply` finds no schedule to keep.
 */
async function deleteAllSchedules(client: Client): Promise<void> {
  const listIds = async () => {
    const ids: string[] = [];
    for await (const s of client.schedule.list()) ids.push(s.scheduleId);
    return ids;
  };
  const deadline = Date.now() + 60_000;
  for (let ids = await listIds(); ids.length > 0; ids = await listIds()) {
    if (Date.now() > deadline)
      throw new Error(`${ids.length} schedule(s) still listed 60 s after deleting them`);
    await mapConcurrent(ids, 16, async (id) => {
      await client.schedule
        .getHandle(id)
        .delete()
        .catch((err: unknown) => {
          // Deleted already: the list had not caught up yet.
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        });
    });
    await delay(500);
  }
}

async function withCluster<T>(
  ctx: BenchContext,
  label: string,
  body: (server: FreshServer) => Promise<T>,
): Promise<T> {
  const binaries = await findOrBuildServerBinaries({ log: (line) => ctx.log(line) });
  const name = `bench-${label}`;
  const cluster = await startCluster({
    binaries,
    name,
    stateDir: mkdtempSync(join(tmpdir(), `durable-cron-${name}-`)),
  });
  try {
    const { address, tls } = cluster.connectionOptions;
    return await withClient(address, tls, (client) =>
      body({
        client,
        address,
        pids: cluster.nodes.flatMap((n) => (n.pid === undefined ? [] : [n.pid])),
      }),
    );
  } finally {
    await cluster.stop();
    await dropClusterDatabases(parsePostgresUrl(DEFAULT_POSTGRES_URL), cluster.databases);
    rmSync(cluster.stateDir, { recursive: true, force: true });
  }
}

async function withClient<T>(
  address: string,
  tls: TLSConfig | undefined,
  body: (client: Client) => Promise<T>,
): Promise<T> {
  // durable-cron's own interceptors: its retry policy, and RPC counts taken on the wire.
  const connection = await Connection.connect({
    address,
    ...(tls ? { tls } : {}),
    interceptors: clientInterceptors(),
  });
  try {
    return await body(new Client({ connection }));
  } finally {
    await connection.close();
  }
}
