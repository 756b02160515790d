/**
 * Orders and their `order-timeout` workflows: creating an order starts the workflow that cancels
 * it after its timeout; paying it signals that workflow. The order row and the workflow are tied
 * by id: `order-timeout-<orderId>`.
 */
import { WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE } from '../../src/search-attributes';
import type { JobRunInput } from '../../src';
import type { OrderTimeoutInput } from './inputs';

/** The `order-timeout` job type's name and workflow (see index.ts). */
const orderTimeout = { name: 'order-timeout', workflowType: 'orderTimeout' } as const;

/** The workflow id of an order's timeout. */
export function orderTimeoutWorkflowId(orderId: string): string {
  return `order-timeout-${orderId}`;
}

/** A new order. */
export interface NewOrder {
  readonly id: string;
  readonly customerId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly amountCents: number;
  /** How long it may stay unpaid. @default 30 minutes */
  readonly timeoutMs?: number;
  readonly env?: string;
}

/**
 * Inserts the order (holding its stock) and starts its `order-timeout` workflow. Starting is
 * idempotent: a retry after a crash between the two finds the workflow already started.
 */
export async function createOrder(
  db: Pool,
  client: Client,
  taskQueue: string,
  order: NewOrder,
): Promise<WorkflowHandle> {
  const tx = await db.connect();
  try {
    await tx.query('BEGIN');
    const inserted = await tx.query(
      `INSERT INTO orders (id, customer_id, sku, quantity, amount_cents) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [order.id, order.customerId, order.sku, order.quantity, order.amountCents],
    );
    if (inserted.rowCount === 1) {
      await tx.query('UPDATE products SET stock = stock - $2 WHERE sku = $1', [order.sku, order.quantity]);
    }
    await tx.query('COMMIT');
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    tx.release();
  }
  const env = order.env ?? 'prod';
  const input: JobRunInput<OrderTimeoutInput> = {
    jobId: orderTimeout.name,
    customer: order.customerId,
    env,
    timezone: 'UTC',
    input: { orderId: order.id, timeoutMs: order.timeoutMs ?? 30 * 60_000 },
  };
  const workflowId = orderTimeoutWorkflowId(order.id);
  try {
    return await client.workflow.start(orderTimeout.workflowType, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: CUSTOMER, value: order.customerId },
        { key: ENV, value: env },
        { key: JOB_ID, value: orderTimeout.name },
        { key: JOB_TYPE, value: orderTimeout.name },
      ],
    });
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError')
      return client.workflow.getHandle(workflowId);
    throw err;
  }
}

/**
 * Marks the order paid (if it is still pending) and signals its timeout workflow.
 * @returns false when the order was not pending (already paid, or already cancelled)
 */
export async function payOrder(db: Pool, client: Client, orderId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1 AND status = 'pending'",
    [orderId],
  );
  if (rowCount === 1) await client.workflow.getHandle(orderTimeoutWorkflowId(orderId)).signal('paid');
  return rowCount === 1;
}
