/**
 * `setup` against an empty PostgreSQL database on a real dev server: without a jobs module's
 * migration set it creates only durable-cron's `durable_cron_` tables; the CLI (whose built-in job
 * types are the shop example's) adds the shop tables; both the text and the JSON output report
 * per migration source; a second run changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSetup } from '../../src/cli/commands/setup';
import { resolveConfig } from '../../src/config';
import { EFFECTS_TABLE, MIGRATIONS_TABLE } from '../../src/db/tables';
import { runCli } from '../helpers/cli';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

interface SetupJson {
  database: { where: string; sources: { source: string; applied: unknown[]; version: number }[] };
}

describe('setup on an empty database', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;

  before(async () => {
    temporal = await startTestTemporal();
    db = await startTestDatabase({ migrations: false });
  });
  after(async () => {
    await db?.close();
    await temporal?.stop();
  });

  const tables = async () =>
    (
      await db.pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [db.schema],
      )
    ).rows.map((r) => r.table_name);

  it('creates only durable_cron_ tables when no migration set is given', async () => {
    const lines: string[] = [];
    const config = resolveConfig({ address: temporal.config.address, databaseUrl: db.url }, {});
    await runSetup(config, { json: true }, { out: (line) => lines.push(line), err: () => {} });
    const result = JSON.parse(lines.join('\n')) as SetupJson;
    assert.deepEqual(result.database.sources, [
      { source: 'durable-cron', applied: [{ version: 1, name: 'effects log' }], version: 1 },
    ]);
    assert.deepEqual(await tables(), [EFFECTS_TABLE, MIGRATIONS_TABLE]);
  });

  it('the CLI adds the tables of its built-in job types and reports each source', async () => {
    const args = ['setup', '--address', temporal.config.address, '--database-url', db.url];
    const text = await runCli(args);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\n {2}durable-cron: up to date, version 1\n/);
    assert.match(text.stdout, /\n {2}shop-example: applied 1 \(shop schema\), version 1\n/);
    const all = await tables();
    assert.ok(all.includes('orders') && all.includes('invoices'), all.join(', '));

    const again = await runCli([...args, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as SetupJson;
    assert.deepEqual(result.database.sources, [
      { source: 'durable-cron', applied: [], version: 1 },
      { source: 'shop-example', applied: [], version: 1 },
    ]);
    assert.deepEqual(await tables(), all);
  });
});
