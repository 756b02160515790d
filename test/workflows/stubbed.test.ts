/**
 * Workflows with stubbed activities on a real dev server (the time-skipping server is not
 * available): saga order and reporting, compensation failures, step overrides reaching the
 * activity options, and data-sync's continue-as-new.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, activityInfo } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectNative } from '../../src/connection';
import { OUTCOME } from '../../src/search-attributes';
import type { JobRunInput, SagaReport, StepOverride } from '../../src/types';
import { bundleWorkflows } from '../../src/worker/worker';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const ctxInput = (jobId: string, input: unknown, steps?: Record<string, StepOverride>): JobRunInput => ({
  jobId,
  customer: 'acme',
  env: 'test',
  timezone: 'UTC',
  input,
  fireTime: '2026-11-20T00:00:00.000Z',
  ...(steps ? { steps } : {}),
});

describe('workflows with stubbed activities', () => {
  let temporal: TestTemporal;
  let bundle: WorkflowBundleWithSourceMap;
  const calls: string[] = [];
  let chargeTimeoutMs = 0;
  const fast = { retry: { initialInterval: 50, maximumAttempts: 2 } };

  const stubs = {
    reserveInvoice: () => {
      calls.push('reserveInvoice');
      return Promise.resolve({ number: 7, period: '2026-11-20', created: true });
    },
    chargeCard: (ctx: { jobId: string }) => {
      calls.push('chargeCard');
      chargeTimeoutMs = activityInfo().startToCloseTimeoutMs;
      if (ctx.jobId === 'charge-fails') throw ApplicationFailure.retryable('card network down', 'Network');
      return Promise.resolve({ chargeId: 'ch_1', amountCents: 5 });
    },
    sendInvoice: () => {
      calls.push('sendInvoice');
      throw ApplicationFailure.nonRetryable('mail server rejected', 'MailRejected');
    },
    voidInvoice: () => {
      calls.push('voidInvoice');
      return Promise.resolve({ voided: 7 });
    },
    refundCharge: () => {
      calls.push('refundCharge');
      throw ApplicationFailure.nonRetryable('provider refused the refund', 'RefundRefused');
    },
    syncShard: (_ctx: unknown, input: { shard: number }) => {
      calls.push(`syncShard[${input.shard}]`);
      return Promise.resolve({ shard: input.shard, rows: 10, attempt: 1, created: true });
    },
  };

  before(async () => {
    temporal = await startTestTemporal();
    bundle = await bundleWorkflows(shopRegistry());
  });
  after(async () => {
    await temporal?.stop();
  });

  async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
    const connection = await connectNative(temporal.config);
    try {
      const worker = await Worker.create({
        connection,
        taskQueue: temporal.config.taskQueue,
        workflowBundle: bundle,
        activities: stubs,
      });
      return await worker.runUntil(fn);
    } finally {
      await connection.close();
    }
  }

  const start = (workflow: string, input: JobRunInput) =>
    temporal.client.workflow.start(workflow, {
      workflowId: `${workflow}-${randomUUID()}`,
      taskQueue: temporal.config.taskQueue,
      args: [input],
    });

  it('a step failing for good compensates the completed steps in reverse order and reports both', async () => {
    calls.length = 0;
    await withWorker(async () => {
      const handle = await start(
        'billing',
        ctxInput(
          'charge-fails',
          { amountCents: 5 },
          {
            chargeCard: { timeout: 4_321, ...fast },
          },
        ),
      );
      const err = await handle.result().then(
        () => assert.fail('billing should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError);
      const failure = err.cause;
      assert.ok(failure instanceof ApplicationFailure);
      assert.equal(failure.type, 'SagaFailed');
      assert.match(
        failure.message,
        /step 'chargeCard' failed: Network: card network down; compensated: reserveInvoice/,
      );
      assert.deepEqual(failure.details?.[0], {
        done: ['reserveInvoice'],
        compensated: ['reserveInvoice'],
        failedStep: 'chargeCard',
        compensationFailures: [],
      });
      // The job's override reached the step's activity options.
      assert.equal(chargeTimeoutMs, 4_321);
      assert.deepEqual(calls, ['reserveInvoice', 'chargeCard', 'chargeCard', 'voidInvoice']);
      const described = await handle.describe();
      assert.equal(described.typedSearchAttributes.get(OUTCOME), 'compensated');
    });
  });

  it('a compensation that fails for good is named in the failure, without hiding the original error', async () => {
    calls.length = 0;
    await withWorker(async () => {
      const handle = await start('billing', ctxInput('b', { amountCents: 5 }, { refundCharge: fast }));
      const err = await handle.result().then(
        () => assert.fail('billing should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure);
      assert.match(
        err.cause.message,
        /^step 'sendInvoice' failed: MailRejected: mail server rejected; compensated: reserveInvoice; compensation 'refundCharge' of step 'chargeCard' failed: RefundRefused: provider refused the refund$/,
      );
      const report = err.cause.details?.[0] as SagaReport;
      assert.deepEqual(report.compensationFailures, [
        {
          step: 'chargeCard',
          compensation: 'refundCharge',
          error: 'RefundRefused: provider refused the refund',
        },
      ]);
      assert.deepEqual(calls, ['reserveInvoice', 'chargeCard', 'sendInvoice', 'refundCharge', 'voidInvoice']);
      assert.equal((await handle.describe()).typedSearchAttributes.get(OUTCOME), 'compensation-failed');
    });
  });

  it('data-sync continues as new when its history passes the threshold, syncing every shard once', async () => {
    calls.length = 0;
    await withWorker(async () => {
      const handle = await start(
        'dataSync',
        ctxInput('s', { shards: 12, concurrency: 3, maxHistoryEvents: 25 }),
      );
      const result = (await handle.result()) as { rows: number; continuedAsNew: number; shards: number };
      assert.equal(result.rows, 120);
      assert.ok(result.continuedAsNew >= 1, `continued as new ${result.continuedAsNew} times`);
      assert.deepEqual([...calls].sort(), Array.from({ length: 12 }, (_, i) => `syncShard[${i}]`).sort());
      const runs = await eventually('the chain in visibility', async () => {
        let n = 0;
        for await (const _ of temporal.client.workflow.list({
          query: `WorkflowId = '${handle.workflowId}'`,
        }))
          n += 1;
        return n === result.continuedAsNew + 1 ? n : undefined;
      });
      assert.equal(runs, result.continuedAsNew + 1);
    });
  });
});
