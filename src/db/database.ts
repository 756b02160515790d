/**
 * Opening the jobs' database: PostgreSQL at `DATABASE_URL`, or, when none is configured, the
 * embedded PGlite server (see `embedded.ts`) shared by every process on this machine: the first
 * process to bind its port serves it, the others connect to it. One `pg` code path for both.
 */
import { join } from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from './embedded';

/** Port of the embedded database on 127.0.0.1. */
export const EMBEDDED_DATABASE_PORT = 55432;

/** Options for {@link openDatabase}. */
export interface DatabaseOptions {
  /** A PostgreSQL connection string; the embedded database when absent. */
  readonly url?: string;
  /** Where the embedded database keeps its files (`<dataDir>/pglite`). @default .data */
  readonly dataDir?: string;
  /** Port of the embedded database. @default {@link EMBEDDED_DATABASE_PORT} */
  readonly embeddedPort?: number;
  /** Connections in this process's pool. @default 5 */
  readonly maxConnections?: number;
}

/** An open database. */
export interface Database {
  readonly pool: Pool;
  /** The connection string it was opened with (the embedded one's has no password). */
  readonly url: string;
  /** Where it is, without credentials, for messages. */
  readonly description: string;
  /** True when this process serves the embedded database (it stops when this process closes it). */
  readonly servesEmbedded: boolean;
  close(this: void): Promise<void>;
}

/**
 * Opens a pool on the configured database, starting the embedded one if nobody serves it yet.
 * @throws when the embedded database can be neither served nor reached
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  let server: EmbeddedServer | undefined;
  let url = options.url;
  if (url === undefined) {
    const port = options.embeddedPort ?? EMBEDDED_DATABASE_PORT;
    try {
      server = await startEmbeddedServer({ dataDir: join(options.dataDir ?? '.data', 'pglite'), port });
      url = server.url;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      // Another process on this machine serves it.
      url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 5,
    connectionTimeoutMillis: 15_000,
  });
  // An idle connection dropped by the server must not crash the process; the pool reconnects.
  pool.on('error', () => {});
  const embeddedServer = server;
  return {
    pool,
    url,
    description: describeDatabaseUrl(url),
    servesEmbedded: embeddedServer !== undefined,
    close: async () => {
      await pool.end();
      await embeddedServer?.stop();
    },
  };
}

/** `host:port/database` of a connection string, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}
