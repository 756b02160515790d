/**
 * The `billing` job type, a saga: reserve an invoice number → charge the customer → send the
 * invoice. When a step fails for good or the run is cancelled, the completed steps are undone in
 * reverse order (refund the charge, void the invoice).
 */
import type { Activities } from '../activities';
import type { BillingInput } from '../inputs';
import {
  StepRunner,
  runSaga,
  stepContext,
  type JobRunInput,
  type SagaReport,
} from '../../../workflows/public';
import { BILLING_STEPS } from '../steps';

/** Result of a successful `billing` run. */
export interface BillingResult {
  readonly fireTime: string;
  readonly invoiceNumber: number;
  readonly chargeId: string;
  readonly sentTo: string;
  readonly saga: SagaReport;
}

/** Workflow of the `billing` job type. */
export async function billing(input: JobRunInput<BillingInput>): Promise<BillingResult> {
  const ctx = stepContext(input);
  const { amountCents } = input.input;
  return runSaga(new StepRunner<Activities>(input.steps), async (saga) => {
    const invoice = await saga.run(BILLING_STEPS.reserveInvoice, ctx, { amountCents });
    const charge = await saga.run(BILLING_STEPS.chargeCard, ctx, {
      amountCents,
      invoiceNumber: invoice.number,
    });
    const sent = await saga.run(BILLING_STEPS.sendInvoice, ctx, {
      amountCents,
      invoiceNumber: invoice.number,
      chargeId: charge.chargeId,
    });
    return {
      fireTime: ctx.fireTime,
      invoiceNumber: invoice.number,
      chargeId: charge.chargeId,
      sentTo: sent.sentTo,
      saga: saga.report(),
    };
  });
}
