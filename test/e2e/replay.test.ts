/**
 * Replays the recorded histories in test/histories/ against the current workflow code, bundled the
 * way workers bundle it: a non-deterministic change to a job type fails here, before it reaches a
 * running workflow. Re-record with `node dist/scripts/record-histories.js` after an intended change.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/worker/worker';
import { installRuntime } from '../../src/worker/runtime';
import { shopRegistry } from '../helpers/jobs';

const HISTORIES = join(__dirname, '..', '..', '..', 'test', 'histories');

describe('replay of recorded histories', () => {
  it('every recorded history of every job type replays without a determinism error', async () => {
    installRuntime({ logLevel: 'WARN' });
    const files = readdirSync(HISTORIES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const types = new Set<string>();
    const histories = files.map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      types.add(started?.workflowType?.name ?? '');
      return { workflowId: file, history };
    });
    assert.deepEqual([...types].sort(), [
      'billing',
      'cancelTimeoutOrders',
      'command',
      'dailySummary',
      'dataSync',
      'dbBackup',
      'generateReport',
      'orderTimeout',
      'recorded-saga',
    ]);
    // Steps job types (`command`, `recorded-saga`) replay on the generic workflow without their
    // module: the plan they ran with is in their history.
    const bundle = await bundleWorkflows(shopRegistry());
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
    assert.equal(replayed, files.length);
  });
});
