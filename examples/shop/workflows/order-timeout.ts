/**
 * The `order-timeout` job type, a durable delay queue: one workflow per order, started when the
 * order is created. It cancels the order when `timeoutMs` passes, unless a `paid` signal arrives
 * first. The wait is a durable timer: no polling table, and it survives worker restarts.
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OrderTimeoutInput } from '../inputs';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { ORDER_TIMEOUT_STEPS } from '../steps';

/** Signal sent when the order is paid. */
export const paidSignal = defineSignal('paid');

/** Result of an `order-timeout` run. */
export interface OrderTimeoutResult {
  readonly orderId: string;
  /** `paid`: signalled in time; `cancelled`: timed out and cancelled; `already-<status>`: timed out, but the order was no longer pending. */
  readonly outcome: string;
}

/** Workflow of the `order-timeout` job type. */
export async function orderTimeout(input: JobRunInput<OrderTimeoutInput>): Promise<OrderTimeoutResult> {
  let paid = false;
  setHandler(paidSignal, () => {
    paid = true;
  });
  const { orderId, timeoutMs } = input.input;
  if (await condition(() => paid, timeoutMs)) return { orderId, outcome: 'paid' };
  const ctx = stepContext(input);
  const result = await new StepRunner<Activities>(input.steps).step(ORDER_TIMEOUT_STEPS.cancelOrder)(ctx, {
    orderId,
  });
  return { orderId, outcome: result.cancelled ? 'cancelled' : `already-${result.status ?? 'missing'}` };
}
