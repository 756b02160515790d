/**
 * How a steps run records its plan, on a real dev server: a plan that fits a patch marker id goes
 * out as that marker with the run's first workflow task (no local activity); a plan too large for
 * one (the core would skip its `TemporalChangeVersion` upsert, warning on every run) goes through
 * the local activity. Either way the run executes the plan's steps in order.
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
import { PLAN_MARKER_PREFIX, markerFits, planMarker } from '../../workflows/run-steps';
import { activities } from '../helpers/history';
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
    const markers = events.flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (!marker) return [];
      const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
      const id = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id : undefined;
      return [{ name: marker.markerName, id }];
    });
    return { result, markers, steps: (await activities(handle)).map((a) => a.type) };
  }

  it('the plans fall on both sides of the limit', () => {
    const [large, small] = registry.plans();
    assert.equal(small?.jobType, 'plan-small');
    assert.equal(markerFits(planMarker(small)), true);
    assert.equal(large?.jobType, 'plan-large');
    assert.equal(markerFits(planMarker(large)), false);
  });

  it('a plan that fits goes out as a patch marker, with no local activity', async () => {
    const { result, markers, steps } = await run('plan-small');
    assert.deepEqual(result.results, { one: 'one', two: 'two' });
    assert.deepEqual(steps, ['plan-small.one', 'plan-small.two']);
    assert.deepEqual(markers, [{ name: 'core_patch', id: planMarker(registry.plans()[1]!) }]);
    assert.ok(markers[0]?.id?.startsWith(PLAN_MARKER_PREFIX));
  });

  it('a plan too large for a marker goes through the local activity', async () => {
    const { result, markers, steps } = await run('plan-large');
    assert.deepEqual(Object.keys(result.results), LARGE_STEPS);
    assert.deepEqual(
      steps,
      LARGE_STEPS.map((name) => `plan-large.${name}`),
    );
    assert.deepEqual(
      markers.map((m) => m.name),
      ['core_local_activity'],
    );
  });
});
