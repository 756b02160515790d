/**
 * The `cancel-timeout-orders` job type: cancel orders unpaid for `olderThan` as of the fire time,
 * releasing their stock, one batch per step call until a batch comes back short.
 */
import type { Activities } from '../activities';
import type { CancelTimeoutOrdersInput } from '../inputs';
import { StepRunner, stepContext, type JobRunInput } from '../../../workflows/public';
import { CANCEL_TIMEOUT_ORDERS_STEPS } from '../steps';

/** Result of a `cancel-timeout-orders` run. */
export interface CancelTimeoutOrdersResult {
  readonly fireTime: string;
  readonly batches: number;
  readonly cancelled: string[];
}

/** Workflow of the `cancel-timeout-orders` job type. */
export async function cancelTimeoutOrders(
  input: JobRunInput<CancelTimeoutOrdersInput>,
): Promise<CancelTimeoutOrdersResult> {
  const ctx = stepContext(input);
  const cancelBatch = new StepRunner<Activities>(input.steps).step(
    CANCEL_TIMEOUT_ORDERS_STEPS.cancelOrderBatch,
  );
  const cancelled: string[] = [];
  let batches = 0;
  while (batches < input.input.maxBatches) {
    const batch = await cancelBatch(ctx, {
      olderThan: input.input.olderThan,
      batchSize: input.input.batchSize,
    });
    batches += 1;
    cancelled.push(...batch.cancelled);
    if (batch.cancelled.length < input.input.batchSize) break;
  }
  return { fireTime: ctx.fireTime, batches, cancelled };
}
