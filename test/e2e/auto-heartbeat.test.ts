/**
 * Automatic heartbeats (src/worker/heartbeat.ts) on a real server: a step that never heartbeats
 * itself outlives its heartbeat timeout without being timed out, and a step that records progress
 * in its heartbeats still finds that progress on its next attempt (automatic beats repeat it).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { activityInfo, heartbeat } from '@temporalio/activity';
import type { NativeConnection } from '@temporalio/worker';
import { connectNative } from '../../src/connection';
import { heartbeatIntervalMs } from '../../src/worker/heartbeat';
import { bundleWorkflows, createWorker } from '../../src/worker/worker';
import { shopRegistry } from '../helpers/jobs';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('automatic step heartbeats', () => {
  let temporal: TestTemporal;
  let native: NativeConnection;

  before(async () => {
    temporal = await startTestTemporal();
    native = await connectNative(temporal.config);
  });
  after(async () => {
    await native?.close();
    await temporal?.stop();
  });

  it('beats a few times per heartbeat timeout, and not for steps without one', () => {
    assert.equal(heartbeatIntervalMs(undefined), undefined);
    assert.equal(heartbeatIntervalMs(5_000), 1_250);
    assert.equal(heartbeatIntervalMs(400), 250);
  });

  it('keeps a quiet step alive past its heartbeat timeout, and keeps recorded progress for the retry', async () => {
    const seen: unknown[] = [];
    const worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry: shopRegistry(),
      deps: { dataDir: '/nonexistent' },
      bundle: await bundleWorkflows(require.resolve('../fixtures/heartbeat-workflows')),
      shutdownGraceTime: '1s',
      extraActivities: {
        async quietStep(ms: number) {
          await sleep(ms);
          return activityInfo().attempt;
        },
        async progressStep(ms: number) {
          const info = activityInfo();
          seen.push(info.heartbeatDetails);
          if (info.attempt === 1) {
            heartbeat({ done: 7 });
            await sleep(ms);
            throw new Error('first attempt fails after its quiet stretch');
          }
          return info.heartbeatDetails as unknown;
        },
      },
    });
    const start = (type: string) =>
      temporal.client.workflow.start(type, {
        taskQueue: temporal.config.taskQueue,
        workflowId: `${type}-${randomUUID()}`,
        args: [3_000],
      });
    await worker.runUntil(async () => {
      // Without automatic beats the single attempt would time out after 1 s and the run fail.
      assert.equal(await (await start('quietJob')).result(), 1);
      // The second attempt starts from the progress the first one recorded, not from nothing.
      assert.deepEqual(await (await start('progressJob')).result(), { done: 7 });
    });
    assert.deepEqual(seen, [undefined, { done: 7 }]);
  });
});
