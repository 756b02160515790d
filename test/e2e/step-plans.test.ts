/**
 * How a steps run records its plan, on a real dev server: as a patch marker sent with the run's
 * first workflow task, with no local activity and no `TemporalChangeVersion` upsert (the marker id
 * is padded past the core's limit for that upsert), for a small plan and one longer than the limit
 * alike; the run executes the plan's steps in order (test/e2e/builtin-jobs.test.ts checks that the
 * core's warning about the skipped upsert stays out of the pool's log).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { connectNative } from '../../src/connection';
import { defineJob } from '../../src/job-types/define';
import { JobTypeRegistry } from '../../src/job-types/registry';
import type { JobRunInput } from '../../src/types';
import { createWorker } from '../../src/worker/worker';
import { PLAN_MARKER_PREFIX, planMarker } from '../../workflows/run-steps';
import { activities, markers } from '../helpers/history';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

const step = (name: string) => ({
  name,
  run: () => Promise.resolve(name),
  compensate: () => Promise.resolve(`undo ${name}`),
});
const small = defineJob({ name: 'plan-small', input: z.strictObject({}), steps: [step('one'), step('two')] });
const LARGE_STEPS = Array.from({ length: 12 }, (_, i) => `step-${i + 1}`);
const large = defineJob({ name: 'plan-large', input: z.strictObject({}), steps: LARGE_STEPS.map(step) });

describe('how a steps run records its plan', () => {
  let temporal: TestTemporal;
  let worker: Worker;
  let native: NativeConnection;
  let running: Promise<void>;
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-cron-plans-'));
  const registry = new JobTypeRegistry([
    { type: small, source: 'test' },
    { type: large, source: 'test' },
  ]);

  before(async () => {
    temporal = await startTestTemporal();
    native = await connectNative(temporal.config);
    worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry,
      deps: { dataDir },
      shutdownGraceTime: '1s',
    });
    running = worker.run();
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await native?.close();
    await temporal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(jobType: string) {
    const input: JobRunInput = { jobId: jobType, customer: 'acme', env: 'test', timezone: 'UTC', input: {} };
    const handle = await temporal.client.workflow.start(jobType, {
      workflowId: `${jobType}-${randomUUID()}`,
      taskQueue: temporal.config.taskQueue,
      args: [input],
    });
    const result = (await handle.result()) as { results: Record<string, unknown> };
    const events = (await handle.fetchHistory()).events ?? [];
    const upserts = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length;
    return {
      result,
      markers: markers(events),
      upserts,
      steps: (await activities(handle)).map((a) => a.type),
    };
  }

  it('a plan marker is just long enough that the core skips the search attribute upsert', () => {
    const [large, small] = registry.plans();
    assert.equal(small?.jobType, 'plan-small');
    assert.equal(large?.jobType, 'plan-large');
    const smallJson = JSON.stringify(small);
    const largeJson = JSON.stringify(large);
    assert.ok(`${PLAN_MARKER_PREFIX}${smallJson}`.length < 1_000, 'the small plan is not small');
    assert.ok(`${PLAN_MARKER_PREFIX}${largeJson}`.length > 2_048, 'the large plan is not large');
    for (const [plan, json] of [
      [small, smallJson],
      [large, largeJson],
    ] as const) {
      const marker = planMarker(plan);
      assert.ok(JSON.stringify([marker]).length >= 2_048, `${plan.jobType}: the core would upsert it`);
      assert.equal(marker.trimEnd(), `${PLAN_MARKER_PREFIX}${json}`);
    }
    assert.equal(JSON.stringify([planMarker(small)]).length, 2_048);
  });

  for (const [jobType, names] of [
    ['plan-small', ['one', 'two']],
    ['plan-large', LARGE_STEPS],
  ] as const) {
    it(`${jobType}: the plan goes out as a patch marker, with no local activity and no upsert`, async () => {
      const { result, markers: recorded, steps, upserts } = await run(jobType);
      assert.deepEqual(Object.keys(result.results), names);
      assert.deepEqual(
        steps,
        names.map((name) => `${jobType}.${name}`),
      );
      const plan = registry.plans().find((p) => p.jobType === jobType);
      assert.deepEqual(recorded, [{ name: 'core_patch', id: plan && planMarker(plan) }]);
      assert.equal(upserts, 0);
    });
  }
});
