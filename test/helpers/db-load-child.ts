/**
 * A worker-like process for the embedded-database test: a pool of 4 connections running
 * parameterized statements, idempotent inserts and transactions concurrently. Prints one JSON line.
 * Usage: node db-load-child.js <url> <id>
 */
import { Pool } from 'pg';

async function main(): Promise<void> {
  const [url, id] = process.argv.slice(2);
  const pool = new Pool({ connectionString: url, max: 4 });
  let errors = 0;
  let wrong = 0;
  await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      try {
        await pool.query('INSERT INTO load_effects (key) VALUES ($1) ON CONFLICT (key) DO NOTHING', [
          `k${i % 25}`,
        ]);
        const { rows } = await pool.query<{ echo: string; n: number }>(
          'SELECT $1::text AS echo, $2::int AS n',
          [`${id}-${i}`, i],
        );
        if (rows[0]?.echo !== `${id}-${i}` || rows[0]?.n !== i) wrong += 1;
        const tx = await pool.connect();
        try {
          await tx.query('BEGIN');
          await tx.query('UPDATE load_effects SET hits = hits + 1 WHERE key = $1', [`k${i % 25}`]);
          await tx.query('COMMIT');
        } finally {
          tx.release();
        }
      } catch {
        errors += 1;
      }
    }),
  );
  await pool.end();
  console.log(JSON.stringify({ errors, wrong }));
}

void main();
