/** stepArgsForTest and jobStep: a job type's steps called directly, as a user's unit test does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob, jobStep, stepArgsForTest, TEST_STEP_CONTEXT } from '../../src/index';

const greet = defineJob({
  name: 'greet',
  input: z.object({ name: z.string().default('world') }),
  steps: [
    {
      name: 'say',
      run: async ({ input, once, heartbeat }) => {
        heartbeat({ at: 'start' });
        const { result, created } = await once(() => Promise.resolve(`hello ${input.name}`));
        return { result, created };
      },
      compensate: ({ idempotencyKey, stepKey, result }) =>
        Promise.resolve({ idempotencyKey, stepKey, result }),
    },
    { name: 'useTx', run: ({ once }) => once((tx) => tx.query('SELECT 1')) },
  ],
});

describe('stepArgsForTest', () => {
  it("validates the input with the job type's schema and keys effects like a worker", async () => {
    const args = stepArgsForTest({ jobType: greet, step: 'say', job: { customer: 'acme' } });
    assert.deepEqual(args.input, { name: 'world' });
    assert.deepEqual(args.job, { ...TEST_STEP_CONTEXT, customer: 'acme' });
    assert.equal(args.workflowId, 'test-job-2026-01-01T00:00:00Z');
    assert.equal(args.idempotencyKey, 'test-job-2026-01-01T00:00:00Z/say');
    const say = jobStep(greet, 'say');
    assert.deepEqual(await say.run(args), { result: 'hello world', created: true });
    assert.deepEqual(await say.run(args), { result: 'hello world', created: false });
    assert.deepEqual([...args.effects], [[args.idempotencyKey, 'hello world']]);
    assert.deepEqual(args.heartbeats, [{ at: 'start' }, { at: 'start' }]);
  });

  it('builds a compensation with the step key and result', async () => {
    const args = stepArgsForTest({ jobType: greet, step: 'say', compensation: true, result: 'r' });
    const compensate = jobStep(greet, 'say').compensate;
    assert.ok(compensate);
    assert.deepEqual(await compensate(args), {
      idempotencyKey: 'test-job-2026-01-01T00:00:00Z/say.compensate',
      stepKey: 'test-job-2026-01-01T00:00:00Z/say',
      result: 'r',
    });
  });

  it('says what is wrong: bad input, an unknown step, a transaction without a database', async () => {
    assert.throws(
      () => stepArgsForTest({ jobType: greet, input: { name: 42 } }),
      /input does not match job type 'greet': name: /,
    );
    assert.throws(
      () => jobStep(greet, 'shout'),
      /job type 'greet' has no step 'shout' \(steps: say, useTx\)/,
    );
    await assert.rejects(
      jobStep(greet, 'useTx').run(stepArgsForTest({ jobType: greet })),
      /used its transaction \(tx\.query\), but there is no database: pass \{ db \}/,
    );
  });
});
