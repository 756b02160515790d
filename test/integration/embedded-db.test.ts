/**
 * The embedded database holds up under several worker processes: three processes with pools of
 * four connections each run parameterized statements and transactions concurrently through one
 * PGlite, with no error, no mixed-up result and no lost update. (`@electric-sql/pglite-socket`'s
 * own server fails this: it interleaves the connections' extended-protocol messages.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded';

const CHILD = join(__dirname, '..', 'helpers', 'db-load-child.js');

function runChild(url: string, id: string): Promise<{ errors: number; wrong: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, url, id], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done(JSON.parse(out) as { errors: number; wrong: number })
        : fail(new Error(`exit ${code}`)),
    );
  });
}

describe('embedded database under several processes', () => {
  let server: EmbeddedServer;
  let pool: Pool;

  before(async () => {
    server = await startEmbeddedServer({ dataDir: 'memory://', port: 0 });
    pool = new Pool({ connectionString: server.url, max: 2 });
    await pool.query('CREATE TABLE load_effects (key text PRIMARY KEY, hits integer NOT NULL DEFAULT 0)');
  });
  after(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('serves three processes at once without interleaving their statements', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((id) => runChild(server.url, id)));
    assert.deepEqual(results, [
      { errors: 0, wrong: 0 },
      { errors: 0, wrong: 0 },
      { errors: 0, wrong: 0 },
    ]);
    const { rows } = await pool.query<{ keys: number; hits: number }>(
      'SELECT count(*)::int AS keys, sum(hits)::int AS hits FROM load_effects',
    );
    assert.deepEqual(rows[0], { keys: 25, hits: 300 });
  });

  it('rolls back the transaction of a connection that goes away mid-transaction', async () => {
    const other = new Pool({ connectionString: server.url, max: 1 });
    const client = await other.connect();
    await client.query('BEGIN');
    await client.query("INSERT INTO load_effects (key) VALUES ('abandoned')");
    client.release(new Error('drop this connection'));
    await other.end();
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM load_effects WHERE key = 'abandoned'",
    );
    assert.equal(rows[0]?.n, 0);
  });
});
