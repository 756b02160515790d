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
import type { StepsPlan } from '../../activities/steps';
import { PLAN_MARKER_PREFIX } from '../../workflows/run-steps';
import { loadJobModules } from '../../src/job-types/modules';
import { markers } from '../helpers/history';
import { shopRegistry } from '../helpers/jobs';

const CHANGED_SAGA = join(__dirname, '..', 'fixtures', 'steps-saga-changed');

const HISTORIES = join(__dirname, '..', '..', '..', 'test', 'histories');

/** The id of the history's plan marker (workflows/run-steps.ts), if it has one. */
function planMarkerOf(history: ReturnType<typeof historyFromJSON>): string | undefined {
  return markers(history.events ?? []).find(
    (m) => m.name === 'core_patch' && m.id?.startsWith(PLAN_MARKER_PREFIX),
  )?.id;
}

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

  it('a steps run replays with the plan it started with after a deploy changed its steps', async () => {
    installRuntime({ logLevel: 'WARN' });
    // Recorded with test/fixtures/steps-saga.ts; replayed against a bundle whose `recorded-saga`
    // has other steps (one added in front, one renamed). Both ways of recording the plan: the plan
    // marker of current workers and the local activity's marker of earlier ones.
    const recorded = ['steps-completed', 'steps-compensated'].flatMap((name) => [
      name,
      `${name}-plan-activity`,
    ]);
    const histories = recorded.map((name) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, `${name}.json`), 'utf8')));
      return { workflowId: name, history };
    });
    const recordedSteps = histories.map(({ history }) => {
      const marker = planMarkerOf(history);
      if (marker === undefined) return undefined;
      const plan = JSON.parse(marker.slice(PLAN_MARKER_PREFIX.length)) as StepsPlan;
      return `${plan.jobType}: ${plan.steps.map((step) => step.name).join(', ')}`;
    });
    const started = 'recorded-saga: reserve, charge, notify';
    assert.deepEqual(recordedSteps, [started, undefined, started, undefined]);
    const { registry } = loadJobModules([CHANGED_SAGA]);
    assert.deepEqual(
      registry
        .plans()
        .find((plan) => plan.jobType === 'recorded-saga')
        ?.steps.map((step) => step.name),
      ['check', 'reserve', 'capture', 'notify'],
    );
    const bundle = await bundleWorkflows(registry);
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
