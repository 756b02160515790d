/**
 * Migrations on real databases (the local PostgreSQL, and the embedded PGlite): durable-cron's own
 * create nothing but `durable_cron_` tables; a jobs module's set adds its tables under its own
 * source; running again changes nothing; a database left by versions before the prefix (example
 * tables, `effects`, `schema_migrations`) upgrades with its effects log copied and nothing lost.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Pool } from 'pg';
import { once } from '../../activities/effects';
import { migrations as shopMigrations } from '../../examples/shop/migrations';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded';
import { migrate, type MigrateResult, type MigrationSet } from '../../src/db/migrate';
import { EFFECTS_TABLE, MIGRATIONS_TABLE, TABLE_PREFIX } from '../../src/db/tables';
import { MigrationSetError } from '../../src/errors';
import { LEGACY_BOOKKEEPING_SQL, LEGACY_SCHEMA_SQL } from '../fixtures/legacy-schema';
import { count, startTestDatabase } from '../helpers/database';

const OWN_TABLES = [EFFECTS_TABLE, MIGRATIONS_TABLE].sort();
const SHOP_TABLES = [
  'backup_chunks',
  'backups',
  'customers',
  'invoice_deliveries',
  'invoices',
  'orders',
  'payment_charges',
  'payment_refunds',
  'products',
  'reports',
  'sync_source',
  'sync_target',
];

/** An empty schema, as the pool's connections see it. */
interface Fresh {
  readonly pool: Pool;
  readonly schema: string;
  close(): Promise<void>;
}

/** One embedded server for every embedded case: it takes seconds to start. */
let embedded: Promise<EmbeddedServer> | undefined;
after(async () => {
  await (await embedded)?.stop();
});

const backends: { name: string; fresh(): Promise<Fresh> }[] = [
  {
    name: 'PostgreSQL',
    fresh: async () => {
      const db = await startTestDatabase({ migrations: false });
      return { pool: db.pool, schema: db.schema, close: () => db.close() };
    },
  },
  {
    name: 'embedded',
    fresh: async () => {
      embedded ??= startEmbeddedServer({ dataDir: 'memory://', port: 0 });
      const server = await embedded;
      const pool = new Pool({ connectionString: server.url, max: 3 });
      return {
        pool,
        schema: 'public',
        close: async () => {
          // Cases run one after another: the next one starts from an empty schema again.
          await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await pool.end();
        },
      };
    },
  },
];

async function withFresh(backend: (typeof backends)[number], fn: (db: Fresh) => Promise<void>) {
  const db = await backend.fresh();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

async function tables(db: Fresh): Promise<string[]> {
  const { rows } = await db.pool.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [db.schema],
  );
  return rows.map((r) => r.table_name);
}

/** Every relation of the schema (tables, indexes, sequences, views). */
async function relations(db: Fresh): Promise<string[]> {
  const { rows } = await db.pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 ORDER BY c.relname`,
    [db.schema],
  );
  return rows.map((r) => r.relname);
}

async function bookkeeping(db: Fresh): Promise<string[]> {
  const { rows } = await db.pool.query<{ source: string; version: number; name: string }>(
    `SELECT source, version, name FROM ${MIGRATIONS_TABLE} ORDER BY source, version`,
  );
  return rows.map((r) => `${r.source} ${r.version} ${r.name}`);
}

/** `source: applied versions / version now` for each source of a result. */
function summary(result: MigrateResult): string[] {
  return result.sources.map(
    (s) => `${s.source}: [${s.applied.map((m) => m.version).join(',')}] v${s.version}`,
  );
}

for (const backend of backends) {
  describe(`migrate on ${backend.name}`, () => {
    it('creates only durable_cron_ tables when no jobs module adds a set', () =>
      withFresh(backend, async (db) => {
        const result = await migrate(db.pool);
        assert.deepEqual(result.sources, [
          { source: 'durable-cron', applied: [{ version: 1, name: 'effects log' }], version: 1 },
        ]);
        assert.deepEqual(await tables(db), OWN_TABLES);
        const others = (await relations(db)).filter((r) => !r.startsWith(TABLE_PREFIX));
        assert.deepEqual(others, []);
        assert.deepEqual(await bookkeeping(db), ['durable-cron 1 effects log']);
      }));

    it('adds a jobs module set after its own, and a second run is a no-op', () =>
      withFresh(backend, async (db) => {
        const first = await migrate(db.pool, [shopMigrations]);
        assert.deepEqual(summary(first), ['durable-cron: [1] v1', 'shop-example: [1] v1']);
        assert.deepEqual(await tables(db), [...OWN_TABLES, ...SHOP_TABLES].sort());
        const relationsBefore = await relations(db);
        const rowsBefore = await bookkeeping(db);
        assert.deepEqual(rowsBefore, ['durable-cron 1 effects log', 'shop-example 1 shop schema']);

        const again = await migrate(db.pool, [shopMigrations]);
        assert.deepEqual(summary(again), ['durable-cron: [] v1', 'shop-example: [] v1']);
        assert.deepEqual(await relations(db), relationsBefore);
        assert.deepEqual(await bookkeeping(db), rowsBefore);
      }));

    it('upgrades a database of the unprefixed schema: effects copied, nothing lost', () =>
      withFresh(backend, async (db) => {
        await db.pool.query(LEGACY_SCHEMA_SQL);
        await db.pool.query(LEGACY_BOOKKEEPING_SQL);
        const created = new Date('2026-03-01T02:00:00Z');
        await db.pool.query(
          `INSERT INTO effects (idempotency_key, step, result, created_at)
           VALUES ('billing-x/reserveInvoice', 'reserveInvoice', '{"number": 1000}', $1),
                  ('billing-x/sendInvoice', 'sendInvoice', NULL, $1)`,
          [created],
        );
        await db.pool.query(`INSERT INTO customers VALUES ('acme', 'Acme', 'a@acme.example')`);
        await db.pool.query(`INSERT INTO products VALUES ('widget', 'Widget', 7)`);
        await db.pool.query(
          `INSERT INTO orders (id, customer_id, sku, quantity, amount_cents) VALUES ('o1', 'acme', 'widget', 1, 100)`,
        );
        await db.pool.query("SELECT nextval('invoice_numbers')");
        const legacyTables = await tables(db);

        const result = await migrate(db.pool, [shopMigrations]);
        assert.deepEqual(summary(result), ['durable-cron: [1] v1', 'shop-example: [1] v1']);

        const copied = await db.pool.query<{ idempotency_key: string; step: string; result: unknown }>(
          `SELECT idempotency_key, step, result, created_at FROM ${EFFECTS_TABLE} ORDER BY idempotency_key`,
        );
        assert.deepEqual(copied.rows, [
          {
            idempotency_key: 'billing-x/reserveInvoice',
            step: 'reserveInvoice',
            result: { number: 1000 },
            created_at: created,
          },
          {
            idempotency_key: 'billing-x/sendInvoice',
            step: 'sendInvoice',
            result: null,
            created_at: created,
          },
        ]);
        // Nothing dropped or emptied: the old tables, their rows, the sequence and the old bookkeeping.
        assert.deepEqual(await tables(db), [...legacyTables, ...OWN_TABLES].sort());
        const counts = await db.pool.query<Record<string, number>>(
          `SELECT (SELECT count(*)::int FROM effects) AS effects,
                  (SELECT count(*)::int FROM orders) AS orders,
                  (SELECT count(*)::int FROM customers) AS customers,
                  (SELECT stock FROM products WHERE sku = 'widget') AS stock,
                  (SELECT count(*)::int FROM schema_migrations) AS legacy_migrations,
                  (SELECT last_value::int FROM invoice_numbers) AS invoice_number`,
        );
        assert.deepEqual(counts.rows[0], {
          effects: 2,
          orders: 1,
          customers: 1,
          stock: 7,
          legacy_migrations: 1,
          invoice_number: 1000,
        });
        // A step retried after the upgrade still finds its first execution.
        let ran = false;
        const retried = await once(db.pool, 'billing-x/reserveInvoice', 'reserveInvoice', () => {
          ran = true;
          return Promise.resolve({ number: 9999 });
        });
        assert.deepEqual(retried, { result: { number: 1000 }, created: false });
        assert.equal(ran, false);

        const again = await migrate(db.pool, [shopMigrations]);
        assert.deepEqual(summary(again), ['durable-cron: [] v1', 'shop-example: [] v1']);
      }));

    it("leaves a user's own 'effects' table alone", () =>
      withFresh(backend, async (db) => {
        await db.pool.query('CREATE TABLE effects (id serial PRIMARY KEY, step text, note text)');
        await db.pool.query("INSERT INTO effects (step, note) VALUES ('x', 'theirs')");
        await migrate(db.pool);
        assert.equal(await count(db.pool, `SELECT count(*)::int AS n FROM ${EFFECTS_TABLE}`), 0);
        assert.equal(await count(db.pool, 'SELECT count(*)::int AS n FROM effects'), 1);
      }));
  });
}

describe('migrate: sets and failures', () => {
  const postgres = backends[0] as (typeof backends)[number];

  it('rejects a bad set before touching the database', () =>
    withFresh(postgres, async (db) => {
      const sql = 'CREATE TABLE should_not_exist (id int)';
      const bad: [MigrationSet[], RegExp][] = [
        [
          [{ source: 'durable-cron', migrations: [] }],
          /'durable-cron': the source 'durable-cron' is durable-cron's own/,
        ],
        [[{ source: ' shop', migrations: [] }], /source must be a non-empty name/],
        [
          [
            { source: 'a', migrations: [] },
            { source: 'a', migrations: [] },
          ],
          /'a': given twice/,
        ],
        [
          [{ source: 'a', migrations: [{ version: 0, name: 'x', sql }] }],
          /migrations\[0\]\.version 0 must be a positive integer/,
        ],
        [
          [
            {
              source: 'a',
              migrations: [
                { version: 1, name: 'x', sql },
                { version: 1, name: 'y', sql },
              ],
            },
          ],
          /'a': migrations\[1\]\.version 1 is used twice/,
        ],
        [
          [{ source: 'a', migrations: [{ version: 1, name: '', sql }] }],
          /migrations\[0\] \(version 1\) has no name/,
        ],
      ];
      for (const [sets, message] of bad) {
        await assert.rejects(migrate(db.pool, sets), (err: Error) => {
          assert.ok(err instanceof MigrationSetError, String(err));
          assert.match(err.message, message);
          return true;
        });
      }
      assert.deepEqual(await tables(db), []);
    }));

  it('applies all sets or none: a failing migration names its source and version', () =>
    withFresh(postgres, async (db) => {
      const broken: MigrationSet = {
        source: 'broken-module',
        migrations: [
          { version: 1, name: 'good', sql: 'CREATE TABLE good_one (id int)' },
          { version: 2, name: 'typo', sql: 'CREATE TABEL nope (id int)' },
        ],
      };
      await assert.rejects(migrate(db.pool, [shopMigrations, broken]), (err: Error) => {
        assert.match(err.message, /^migration 2 \(typo\) of 'broken-module': syntax error/);
        return true;
      });
      assert.deepEqual(await tables(db), []);
    }));

  it('applies a later version of a set on the next run, and tracks sources apart', () =>
    withFresh(postgres, async (db) => {
      const v1: MigrationSet = {
        source: 'acme-jobs',
        migrations: [{ version: 1, name: 'acme', sql: 'CREATE TABLE acme_items (id int)' }],
      };
      await migrate(db.pool, [v1]);
      const v2: MigrationSet = {
        source: 'acme-jobs',
        migrations: [
          ...v1.migrations,
          { version: 2, name: 'acme note', sql: 'ALTER TABLE acme_items ADD COLUMN note text' },
        ],
      };
      const result = await migrate(db.pool, [v2]);
      assert.deepEqual(summary(result), ['durable-cron: [] v1', 'acme-jobs: [2] v2']);
      assert.deepEqual(await bookkeeping(db), [
        'acme-jobs 1 acme',
        'acme-jobs 2 acme note',
        'durable-cron 1 effects log',
      ]);
    }));

  it('serializes concurrent runs: each migration is applied once', () =>
    withFresh(postgres, async (db) => {
      const results = await Promise.all([1, 2, 3].map(() => migrate(db.pool, [shopMigrations])));
      const applied = results.flatMap((r) => r.sources.flatMap((s) => s.applied.map(() => s.source)));
      assert.deepEqual(applied.sort(), ['durable-cron', 'shop-example']);
      assert.deepEqual(await bookkeeping(db), ['durable-cron 1 effects log', 'shop-example 1 shop schema']);
    }));
});
