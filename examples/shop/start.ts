/**
 * What `durable-cron start` runs for the shop example: seed data before the jobs fire, two orders
 * with their `order-timeout` workflows afterwards (one paid at once, one left to time out), and a
 * billing job whose invoice cannot be sent, to show a compensated run.
 */
import type { StartHooks } from '../../src/job-types/modules';
import { seed } from './seed';
import { createOrder, payOrder } from './orders';

/** The shop's `start` hooks. */
export const start: StartHooks = {
  // The demo worker only: a production worker never injects failures.
  failures: [{ job: 'initech-monthly-billing', step: 'sendInvoice', kind: 'non-retryable' }],
  async prepare({ db }) {
    const seeded = await seed(db);
    return `seeded ${seeded.orders} new orders`;
  },
  async demo({ db, client, taskQueue, print }) {
    print('Creating two orders, each with its order-timeout workflow (a durable 30-minute timer):');
    const stamp = Date.now().toString(36);
    for (const [suffix, pay] of [
      ['paid', true],
      ['unpaid', false],
    ] as const) {
      const orderId = `demo-${stamp}-${suffix}`;
      const handle = await createOrder(db, client, taskQueue, {
        id: orderId,
        customerId: 'acme',
        sku: 'widget',
        quantity: 1,
        amountCents: 1250,
      });
      if (pay) {
        await payOrder(db, client, orderId);
        await handle.result().catch(() => undefined);
      }
      const status = (await handle.describe()).status.name;
      print(
        `  ${status.padEnd(9)} ${handle.workflowId} (${pay ? 'paid: signalled' : 'cancelled in 30 minutes unless paid'})`,
      );
    }
  },
};
