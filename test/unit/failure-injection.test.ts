/** Failure injection, a worker option of tests and the demo: which calls of which steps it targets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { injectFailure, injectedFailureFor, type InjectedFailure } from '../../src/worker/failure-injection';

const failures: InjectedFailure[] = [
  { job: 'acme-billing', step: 'chargeCard', kind: 'error' },
  { job: 'acme-sync', step: 'syncShard', input: { shard: 2 }, kind: 'error', attempts: 1 },
];

describe('failure injection', () => {
  it('targets only the named step of the named job', () => {
    assert.equal(injectedFailureFor(failures, 'chargeCard', [{ jobId: 'acme-billing' }, {}]), failures[0]);
    assert.equal(injectedFailureFor(failures, 'chargeCard', [{ jobId: 'globex-billing' }, {}]), undefined);
    assert.equal(injectedFailureFor(failures, 'sendInvoice', [{ jobId: 'acme-billing' }, {}]), undefined);
  });

  it('targets only the calls whose input has the given values', () => {
    const sync = (shard: number) =>
      injectedFailureFor(failures, 'syncShard', [{ jobId: 'acme-sync' }, { shard, shards: 5 }]);
    assert.equal(sync(2), failures[1]);
    assert.equal(sync(3), undefined);
  });

  it('fails the first N attempts only', async () => {
    const run = (attempt: number) =>
      new MockActivityEnvironment({ attempt, activityType: 'syncShard' }).run(() =>
        injectFailure(failures[1] as InjectedFailure),
      );
    await assert.rejects(run(1), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.type, 'InjectedFailure');
      assert.equal(err.nonRetryable, false);
      assert.match(err.message, /injected error in 'syncShard' \(attempt 1\)/);
      return true;
    });
    await run(2);
  });
});
