/**
 * Opening connections to Temporal, with errors mapped in one place: an unreachable server becomes
 * a one-line {@link TemporalUnavailableError} naming the address, within the connect timeout.
 */
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { ResolvedConfig } from './config';
import { TemporalUnavailableError, errorMessage } from './errors';

/** How long to wait for the server before giving up. @default 5 seconds */
export const CONNECT_TIMEOUT_MS = 5_000;

/** A connected client and the connection to close when done. */
export interface ConnectedClient {
  readonly client: Client;
  readonly connection: Connection;
  /** Closes the connection. Safe to call twice. */
  close(this: void): Promise<void>;
}

/**
 * Connects a client to the configured server and namespace.
 * @throws {TemporalUnavailableError} when the server does not answer within {@link CONNECT_TIMEOUT_MS}
 */
export async function connectClient(config: ResolvedConfig): Promise<ConnectedClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...config.connection, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    throw new TemporalUnavailableError(config.address, describeConnectError(err), { cause: err });
  }
  const client = new Client({ connection, namespace: config.namespace });
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
 * @throws {TemporalUnavailableError} when the server does not answer
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
    throw new TemporalUnavailableError(config.address, describeConnectError(err), { cause: err });
  }
}

function describeConnectError(err: unknown): string {
  const message = errorMessage(err);
  if (/deadline|timed? ?out/i.test(message))
    return 'no answer (is the server running? try `durable-cron dev`)';
  if (/ECONNREFUSED|connection refused|Connection refused/i.test(message)) {
    return 'connection refused (is the server running? try `durable-cron dev`)';
  }
  return message.split('\n')[0] ?? message;
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
