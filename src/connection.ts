/**
 * Opening connections to Temporal, with errors mapped in one place: an unreachable server becomes
 * a one-line {@link TemporalUnavailableError} naming the address, within the connect timeout.
 * A client connection carries durable-cron's one retry layer and its RPC counting
 * ({@link clientInterceptors}).
 */
import { connect as tcpConnect } from 'node:net';
import type { Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { dataConverterFor } from './codec';
import type { ResolvedConfig } from './config';
import { explainConnectError } from './connection-errors';
import { TemporalAuthError, TemporalUnavailableError, errorMessage, type DurableCronError } from './errors';
import { rpcRetryInterceptor } from './grpc-retry';
import { rpcCountInterceptor, rpcScopeInterceptor } from './schedules/rpc';

/** How long to wait for the server before giving up. @default 5 seconds */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Options of {@link clientInterceptors}. */
export interface ClientInterceptorsOptions {
  /**
   * Interceptors closest to the wire, below the retry layer and the counting: they see every
   * attempt (tests inject faults here). @default none
   */
  readonly nearWire?: readonly Interceptor[];
}

/**
 * The gRPC interceptors of a client connection, outermost first: the caller's RPC-count scope,
 * the one retry layer (the SDK's retry interceptor with durable-cron's policy, see grpc-retry.ts),
 * then the count of each attempt sent.
 */
export function clientInterceptors(options: ClientInterceptorsOptions = {}): Interceptor[] {
  return [rpcScopeInterceptor, rpcRetryInterceptor(), rpcCountInterceptor, ...(options.nearWire ?? [])];
}

/** A connected client and the connection to close when done. */
export interface ConnectedClient {
  readonly client: Client;
  readonly connection: Connection;
  /** Closes the connection. Safe to call twice. */
  close(this: void): Promise<void>;
}

/**
 * Connects a client to the configured server and namespace.
 * @throws {TemporalUnavailableError} when the server does not answer within {@link CONNECT_TIMEOUT_MS},
 *   or the TLS settings do not fit the server (the reason says which)
 * @throws {TemporalAuthError} when the server refuses the API key or client certificate
 */
export async function connectClient(config: ResolvedConfig): Promise<ConnectedClient> {
  // gRPC keeps retrying a refused connection until its deadline; a plain TCP connect knows at once.
  const refused = await probeAddress(config.address);
  if (refused !== undefined) throw new TemporalUnavailableError(config.address, refused);
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...config.connection,
      connectTimeout: CONNECT_TIMEOUT_MS,
      interceptors: clientInterceptors(),
    });
  } catch (err) {
    throw await connectFailed(config, err);
  }
  const dataConverter = dataConverterFor(config);
  const client = new Client({
    connection,
    namespace: config.namespace,
    ...(dataConverter ? { dataConverter } : {}),
  });
  let closed = false;
  return {
    client,
    connection,
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}

/**
 * Connects a worker-side (native) connection.
 * @throws {TemporalUnavailableError} when the server does not answer, or TLS does not fit
 * @throws {TemporalAuthError} when the server refuses the credentials
 */
export async function connectNative(config: ResolvedConfig): Promise<NativeConnection> {
  // Loaded here, not at the top: the worker package (native bridge) costs client-only commands
  // such as `runs list` a third of their start-up time and memory.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NativeConnection: Native } = require('@temporalio/worker') as {
    NativeConnection: typeof NativeConnection;
  };
  try {
    return await withTimeout(Native.connect(config.connection), CONNECT_TIMEOUT_MS * 2);
  } catch (err) {
    throw await connectFailed(config, err);
  }
}

/** The one-line error for a failed connect: a TLS or credentials problem if found, else why. */
async function connectFailed(config: ResolvedConfig, err: unknown): Promise<DurableCronError> {
  const explained = await explainConnectError(err, config.connection);
  if (explained?.credentials) return new TemporalAuthError(config.address, explained.line, { cause: err });
  const detail = explained?.line ?? describeConnectError(err, config);
  return new TemporalUnavailableError(config.address, detail, { cause: err });
}

const REFUSED = 'connection refused (is the server running? try `durable-cron dev`)';

/** How long the TCP probe waits before leaving the verdict to the gRPC connect. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Opens and closes a TCP connection to `address`.
 * @returns why the server certainly cannot be reached (refused, unknown host), or undefined when
 *   it answered, or the probe cannot tell (timeout, other errors, a proxy configured for gRPC)
 */
export async function probeAddress(address: string): Promise<string | undefined> {
  const proxied = ['grpc_proxy', 'https_proxy', 'http_proxy'].some(
    (name) => (process.env[name] ?? process.env[name.toUpperCase()] ?? '') !== '',
  );
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  if (proxied || !match || host === undefined) return undefined;
  return new Promise((done) => {
    const socket = tcpConnect({ host, port: Number(match[3]) });
    const finish = (reason: string | undefined) => {
      socket.destroy();
      done(reason);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(undefined));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish(REFUSED);
      else if (err.code === 'ENOTFOUND')
        finish(`host '${host}' not found (check --address / TEMPORAL_ADDRESS)`);
      else finish(undefined);
    });
  });
}

function describeConnectError(err: unknown, config: ResolvedConfig): string {
  const message = errorMessage(err);
  if (/deadline|timed? ?out/i.test(message))
    return 'no answer (is the server running? try `durable-cron dev`)';
  if (/ECONNREFUSED|connection refused|Connection refused/i.test(message)) return REFUSED;
  const line = message.split('\n')[0] ?? message;
  const key = config.connection.apiKey;
  return key ? line.split(key).join('<api key>') : line;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
