/** Every job-type workflow the worker pool registers. Deterministic code only. */
export { billing } from './billing';
export { cancelTimeoutOrders } from './cancel-timeout-orders';
export { dailySummary } from './daily-summary';
export { dataSync } from './data-sync';
export { dbBackup } from './db-backup';
export { generateReport } from './generate-report';
export { orderTimeout, paidSignal } from './order-timeout';
