/**
 * The embedded database used when no `DATABASE_URL` is set: PGlite (PostgreSQL compiled to WASM,
 * in-process, no install) served over the PostgreSQL wire protocol, so activities reach it through
 * the same `pg` code path as a real server, from any number of worker processes.
 *
 * Why not `@electric-sql/pglite-socket`'s server: PGlite is a single session, and that server
 * interleaves the protocol messages of concurrent connections one message at a time. A pool's
 * `Parse`/`Bind`/`Execute`/`Sync` from two connections then clobber each other's unnamed statement
 * ("unnamed prepared statement does not exist", wrong rows, then a stuck queue: measured with three
 * worker processes, see test/integration/embedded-db.test.ts). Here a connection owns the session
 * from its first message until PGlite reports ReadyForQuery with status idle: a whole extended-
 * protocol batch, or a whole transaction, runs without other connections in between.
 *
 * Hazard: session state (`SET`, temporary tables) is shared by all connections: do not rely on it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import type * as pglite from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/** A running embedded server. */
export interface EmbeddedServer {
  /** Connection string for `pg`, e.g. `postgres://postgres@127.0.0.1:55432/postgres`. */
  readonly url: string;
  readonly port: number;
  stop(this: void): Promise<void>;
}

/** Options for {@link startEmbeddedServer}. */
export interface EmbeddedServerOptions {
  /** Data directory; `memory://` keeps everything in memory. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
}

/**
 * Listens on the port first, then opens PGlite: when several processes race for the same port
 * only the winner opens the data directory (PGlite must not be opened twice).
 * @throws the listen error (`EADDRINUSE` when another process serves the port)
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const session = new SessionLock();
  let db: PGlite | undefined;
  let open!: (value: Promise<PGlite>) => void;
  // Connections accepted before PGlite is open wait on this.
  const ready = new Promise<PGlite>((resolve) => (open = resolve));
  ready.catch(() => {});
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, ready, session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const opening = (async () => {
    if (!options.dataDir.startsWith('memory://')) await mkdir(options.dataDir, { recursive: true });
    db = await loadPGlite().create(options.dataDir);
    return db;
  })();
  open(opening);
  try {
    await opening;
  } catch (err) {
    for (const socket of sockets) socket.destroy();
    server.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db?.close();
    },
  };
}

/**
 * PGlite, loaded on first use: only the process that serves the embedded database needs it, not
 * the worker processes that connect to it (each would otherwise load its module graph for nothing).
 */
function loadPGlite(): typeof PGlite {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@electric-sql/pglite') as typeof pglite).PGlite;
}

/** FIFO mutex over PGlite's single session. */
class SessionLock {
  private owner: object | undefined;
  private readonly waiting: { who: object; grant: () => void }[] = [];

  async acquire(who: object): Promise<void> {
    if (this.owner === who) return;
    if (this.owner === undefined) {
      this.owner = who;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ who, grant }));
  }

  release(who: object): void {
    if (this.owner !== who) return;
    const next = this.waiting.shift();
    this.owner = next?.who;
    next?.grant();
  }

  owns(who: object): boolean {
    return this.owner === who;
  }
}

function serveConnection(socket: Socket, ready: Promise<PGlite>, session: SessionLock): void {
  const me = {};
  let buffer = Buffer.alloc(0);
  let started = false;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  socket.setNoDelay(true);

  const run = (message: Buffer) => {
    chain = chain.then(async () => {
      if (closed) return;
      const db = await ready;
      await session.acquire(me);
      if (closed) {
        await cleanup(db);
        return;
      }
      const out: Buffer[] = [];
      await db.runExclusive(() =>
        // Copy each chunk at once: it is a view into PGlite's memory, reused by the next chunk.
        db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (chunk) => out.push(Buffer.from(chunk)),
        }),
      );
      const response = Buffer.concat(out);
      if (response.length > 0 && socket.writable) socket.write(response);
      // The session is free again only once PostgreSQL says it is idle (not mid-batch, not in a transaction).
      if (lastReadyStatus(response) === 'I') session.release(me);
    });
    chain = chain.catch(() => {
      socket.destroy();
    });
  };

  // A connection that goes away while owning the session must not leave it mid-batch or mid-transaction.
  const cleanup = async (db: PGlite) => {
    if (!session.owns(me)) return;
    try {
      await db.runExclusive(() => db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
      if (db.isInTransaction()) await db.exec('ROLLBACK');
    } finally {
      session.release(me);
    }
  };

  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (buffer.length < length) return;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        }
        started = true;
        run(Buffer.from(message));
        continue;
      }
      if (buffer.length < 5) return;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return;
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      if (message[0] === 0x58 /* Terminate */) {
        socket.end();
        return;
      }
      run(Buffer.from(message));
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    closed = true;
    chain = chain.then(async () => cleanup(await ready)).catch(() => {});
  });
}

/** Status byte of the last ReadyForQuery ('Z') message in a backend response, if any. */
function lastReadyStatus(response: Buffer): string | undefined {
  let status: string | undefined;
  let offset = 0;
  while (offset + 5 <= response.length) {
    const type = response[offset];
    const length = response.readInt32BE(offset + 1);
    if (type === 0x5a && offset + 6 <= response.length)
      status = String.fromCharCode(response[offset + 5] ?? 0);
    offset += 1 + length;
  }
  return status;
}
