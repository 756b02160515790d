/**
 * The product's `billing` saga run in process, the classic way: the product's own activity
 * functions, one after the other, each inside a mocked activity context whose workflow ID is the
 * one the product gives the same fire, so every effect has the product's idempotency key. No
 * retries, no durable progress: a process that dies mid-run leaves the run where it stopped.
 */
// Activities are plain functions that never use `this`; passing them unbound is how workers call them.
/* eslint-disable @typescript-eslint/unbound-method */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { createBillingActivities, type BillingStepInput } from '../../examples/shop/activities/billing';
import { BILLING_STEPS } from '../../examples/shop/steps';
import type { StepContext } from '../../src/types';
import { injectFailure } from '../../src/worker/failure-injection';
import type { BaselineFailure } from './baseline-settings';

/** How a baseline run ended (the product's saga outcomes). */
export type BaselineOutcome = 'completed' | 'compensated' | 'compensation-failed';

/** What a baseline billing run did. */
export interface BaselineBillingResult {
  readonly outcome: BaselineOutcome;
  readonly done: readonly string[];
  readonly compensated: readonly string[];
  readonly failedStep?: string;
  readonly error?: string;
  readonly compensationErrors: readonly string[];
}

/** One fire of a billing job. */
export interface BaselineBillingRun {
  readonly workflowId: string;
  readonly ctx: StepContext;
  readonly amountCents: number;
  readonly fail?: BaselineFailure;
  /** Pause before each step. */
  readonly stepDelayMs: number;
}

type Compensation = 'voidInvoice' | 'refundCharge';

// Failed steps are part of the experiment; the SDK's default logger would print each one.
const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs the billing saga for one fire against `db`; step failures end in compensation, not a throw. */
export async function runBaselineBilling(db: Pool, run: BaselineBillingRun): Promise<BaselineBillingResult> {
  const acts = createBillingActivities({ db });
  const compensations: Record<Compensation, (ctx: StepContext, input: BillingStepInput) => Promise<unknown>> =
    {
      voidInvoice: acts.voidInvoice,
      refundCharge: acts.refundCharge,
    };
  const runId = randomUUID();
  const call = async <A extends unknown[], R>(
    activityType: string,
    fn: (...args: A) => Promise<R>,
    ...args: A
  ): Promise<R> => {
    const env = new MockActivityEnvironment(
      {
        workflowExecution: { workflowId: run.workflowId, runId },
        workflowType: 'billing',
        activityType,
        activityId: activityType,
      },
      { logger: silent },
    );
    // The product's workers inject the same failure before the step runs (failure-injection.ts).
    const failure = run.fail?.step === activityType ? { job: run.ctx.jobId, ...run.fail } : undefined;
    return await env.run(
      async (...a: A) => {
        if (failure) await injectFailure(failure);
        return fn(...a);
      },
      ...args,
    );
  };

  const { ctx, amountCents } = run;
  const input: BillingStepInput = { amountCents };
  const done: string[] = [];
  const undo: { compensation: Compensation; input: BillingStepInput }[] = [];
  const step = async <I extends BillingStepInput, R>(
    def: { readonly name: string; readonly compensation?: Compensation },
    fn: (ctx: StepContext, input: I) => Promise<R>,
    stepInput: I,
  ): Promise<R> => {
    // Half the step's time before its effect, half after: the product's chaos steps do the same.
    await sleep(run.stepDelayMs / 2);
    const result = await call(def.name, fn, ctx, stepInput);
    await sleep(run.stepDelayMs / 2);
    done.push(def.name);
    // A compensation receives the step's own input and finds the effect by the step's key.
    if (def.compensation) undo.push({ compensation: def.compensation, input: stepInput });
    return result;
  };

  try {
    const invoice = await step(BILLING_STEPS.reserveInvoice, acts.reserveInvoice, input);
    const charge = await step(BILLING_STEPS.chargeCard, acts.chargeCard, {
      ...input,
      invoiceNumber: invoice.number,
    });
    await step(BILLING_STEPS.sendInvoice, acts.sendInvoice, {
      ...input,
      invoiceNumber: invoice.number,
      chargeId: charge.chargeId,
    });
    return { outcome: 'completed', done, compensated: [], compensationErrors: [] };
  } catch (err) {
    const failedStep = [BILLING_STEPS.reserveInvoice, BILLING_STEPS.chargeCard, BILLING_STEPS.sendInvoice]
      .map((s) => s.name)
      .find((name) => !done.includes(name));
    const compensated: string[] = [];
    const compensationErrors: string[] = [];
    for (const u of undo.reverse()) {
      try {
        await call(u.compensation, compensations[u.compensation], ctx, u.input);
        compensated.push(u.compensation);
      } catch (compensationErr) {
        compensationErrors.push(`${u.compensation}: ${message(compensationErr)}`);
      }
    }
    return {
      outcome: compensationErrors.length > 0 ? 'compensation-failed' : 'compensated',
      done,
      compensated,
      ...(failedStep ? { failedStep } : {}),
      error: message(err),
      compensationErrors,
    };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
