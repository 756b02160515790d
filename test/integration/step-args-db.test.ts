/** stepArgsForTest with a database: `once` runs in durable-cron's `effects` table, as on a worker. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { EFFECTS_TABLE } from '../../src/db/tables';
import { defineJob, jobStep, stepArgsForTest } from '../../src/index';
import { count, startTestDatabase, type TestDatabase } from '../helpers/database';

const record = defineJob({
  name: 'record',
  input: z.object({}),
  steps: [
    {
      name: 'write',
      run: ({ once }) => once(async (tx) => (await tx.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]?.n),
    },
  ],
});

describe('stepArgsForTest with a database', () => {
  let db: TestDatabase;
  before(async () => {
    db = await startTestDatabase({ migrations: [] });
  });
  after(async () => {
    await db.close();
  });

  it('runs the effect once per idempotency key, in the database', async () => {
    const args = stepArgsForTest({ jobType: record, step: 'write', db: db.pool });
    const write = jobStep(record, 'write');
    assert.deepEqual(await write.run(args), { result: 42, created: true });
    assert.deepEqual(await write.run(args), { result: 42, created: false });
    assert.equal(args.effects.size, 0, 'nothing kept in memory');
    assert.equal(
      await count(db.pool, `SELECT count(*)::int AS n FROM ${EFFECTS_TABLE} WHERE idempotency_key = $1`, [
        args.idempotencyKey,
      ]),
      1,
    );
  });
});
