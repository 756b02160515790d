/**
 * A real Temporal dev server for tests: in memory, headless, on free ports (never 7233/8233),
 * stopped by the caller in `after`.
 */
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { resolveConfig, type ResolvedConfig } from '../../src/config';
import { connectClient } from '../../src/connection';
import { freePort, startDevServer, type DevServer } from '../../src/dev-server/dev-server';
import { findOrBuildTemporalCli, type TemporalCli } from '../../src/dev-server/temporal-cli';
import { installRuntime } from '../../src/worker/runtime';

/** A started test server, a config pointing at it with a task queue of its own, and a client. */
export interface TestTemporal {
  readonly server: DevServer;
  readonly config: ResolvedConfig;
  readonly client: Client;
  readonly connection: Connection;
  /** Closes the client and stops the server. */
  stop(): Promise<void>;
}

/** Options of {@link startTestTemporal}. */
export interface TestTemporalOptions {
  /** Remote codec endpoint for the server's Web UI (`--ui-codec-endpoint`). */
  readonly uiCodecEndpoint?: string;
}

/** Starts a dev server for one test file. */
export async function startTestTemporal(options: TestTemporalOptions = {}): Promise<TestTemporal> {
  installRuntime({ logLevel: 'WARN' });
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const server = await startOnFreePorts(cli, options);
  const config = resolveConfig(
    { address: server.address, taskQueue: `test-${randomUUID()}`, uiUrl: server.uiUrl },
    {},
  );
  const { client, connection, close } = await connectClient(config);
  return {
    server,
    config,
    client,
    connection,
    stop: async () => {
      await close();
      await server.stop();
    },
  };
}

/**
 * A port found free can be taken by another process before the server binds it (other test
 * processes run on the same machine): try fresh ports a few times.
 */
async function startOnFreePorts(cli: TemporalCli, options: TestTemporalOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const server = await startDevServer({
        cli,
        port: await freePort(),
        uiPort: await freePort(),
        ip: '127.0.0.1',
        ...(options.uiCodecEndpoint !== undefined ? { uiCodecEndpoint: options.uiCodecEndpoint } : {}),
      });
      if (server.reused) {
        throw new Error('test server port was already serving');
      }
      return server;
    } catch (err) {
      const raced =
        err instanceof Error && /address already in use|in use|already serving/i.test(err.message);
      if (!raced || attempt >= 3) throw err;
    }
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? `: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''}`,
      );
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}
