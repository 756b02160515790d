/**
 * Records one history per job type (and per interesting path) into test/histories/, for the replay
 * test that catches non-deterministic workflow changes. Runs each workflow on a fresh in-memory dev
 * server with the real activities against PostgreSQL (`DATABASE_URL`, or the local `test` database,
 * in a throwaway schema).
 *
 * Usage: npm run build && node dist/scripts/record-histories.js [NAME...]
 * With names (e.g. `steps-completed order-timeout-paid`), records only those histories.
 * Re-record after an intended, versioned change of workflow code; commit the JSON files.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createOrder, payOrder } from '../examples/shop/orders';
import { seed } from '../examples/shop/seed';
import { connectClient, connectNative } from '../src/connection';
import type { JobRunInput } from '../src/types';
import { findOrBuildTemporalCli } from '../src/dev-server/temporal-cli';
import { createWorker } from '../src/worker/worker';
import { startTestDatabase } from '../test/helpers/database';
import { SHOP_MODULE } from '../test/helpers/jobs';
import { loadJobModules } from '../src/job-types/modules';
import { startTestTemporal } from '../test/helpers/temporal';

const OUT = join(__dirname, '..', '..', 'test', 'histories');
const FIRE = '2026-11-20T09:00:00.000Z';

const input = (input: unknown, steps?: JobRunInput['steps'], jobId = 'recorded'): JobRunInput => ({
  jobId,
  customer: 'acme',
  env: 'test',
  timezone: 'Europe/Berlin',
  input,
  fireTime: FIRE,
  ...(steps ? { steps } : {}),
});

/** name → workflow type and input. */
const RUNS: [string, string, JobRunInput][] = [
  ['daily-summary', 'dailySummary', input({ title: 'Recorded' })],
  ['cancel-timeout-orders', 'cancelTimeoutOrders', input({ olderThan: '30m', batchSize: 1, maxBatches: 10 })],
  ['generate-report', 'generateReport', input({})],
  ['billing-completed', 'billing', input({ amountCents: 100 })],
  ['billing-compensated', 'billing', input({ amountCents: 100 }, undefined, 'recorded-send-fails')],
  [
    'data-sync-continued',
    'dataSync',
    input(
      { shards: 6, concurrency: 2, maxHistoryEvents: 20 },
      { syncShard: { retry: { initialInterval: 100 } } },
    ),
  ],
  ['db-backup', 'dbBackup', input({ table: 'sync_source', chunkSize: 50 })],
  // Steps job types run on the generic workflow; their workflow type is the job type's name.
  ['steps-command', 'command', input({ argv: [process.execPath, '-e', 'console.log("recorded")'] })],
  ['steps-completed', 'recorded-saga', input({})],
  ['steps-compensated', 'recorded-saga', input({ fail: true })],
];

/** The shop example's job types, the built-in ones, and the saga fixture of the generic workflow. */
const JOBS = [SHOP_MODULE, join(__dirname, '..', 'test', 'fixtures', 'steps-saga')];

async function main(): Promise<void> {
  const cli = await findOrBuildTemporalCli({ log: (line) => console.error(line) });
  const temporal = await startTestTemporal();
  const db = await startTestDatabase();
  const connected = await connectClient(temporal.config);
  const native = await connectNative(temporal.config);
  try {
    await seed(db.pool, new Date(FIRE));
    const worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry: loadJobModules(JOBS).registry,
      deps: {
        dataDir: mkdtempSync(join(tmpdir(), 'durable-cron-record-')),
        db: db.pool,
        allowCommand: true,
      },
      shutdownGraceTime: '1s',
      failureInjection: [{ job: 'recorded-send-fails', step: 'sendInvoice', kind: 'non-retryable' }],
    });
    const { client } = connected;
    mkdirSync(OUT, { recursive: true });
    await worker.runUntil(async () => {
      // The Temporal CLI writes the standard JSON history format that historyFromJSON reads.
      const save = (name: string, workflowId: string, runId?: string) => {
        const json = execFileSync(
          cli.path,
          [
            'workflow',
            'show',
            '--address',
            temporal.config.address,
            '--namespace',
            temporal.config.namespace,
            '--workflow-id',
            workflowId,
            ...(runId ? ['--run-id', runId] : []),
            '--output',
            'json',
          ],
          { encoding: 'utf8' },
        );
        writeFileSync(join(OUT, `${name}.json`), json);
        const events = (JSON.parse(json) as { events?: unknown[] }).events?.length ?? 0;
        console.log(`recorded ${name} (${events} events)`);
      };
      const only = process.argv.slice(2);
      const wanted = (name: string) => only.length === 0 || only.includes(name);
      for (const [name, workflowType, args] of RUNS) {
        if (!wanted(name)) continue;
        const handle = await client.workflow.start(workflowType, {
          workflowId: `${name}-${randomUUID()}`,
          taskQueue: temporal.config.taskQueue,
          args: [args],
        });
        await handle.result().catch(() => undefined);
        if (name === 'data-sync-continued')
          save(`${name}-first-run`, handle.workflowId, handle.firstExecutionRunId);
        save(name, handle.workflowId);
      }
      const queue = temporal.config.taskQueue;
      const order = (id: string, timeoutMs: number) => ({
        id,
        customerId: 'acme',
        sku: 'widget',
        quantity: 1,
        amountCents: 100,
        timeoutMs,
      });
      if (!wanted('order-timeout-paid') && !wanted('order-timeout-cancelled')) return;
      const paid = await createOrder(db.pool, client, queue, order(`rec-paid-${randomUUID()}`, 60_000));
      await payOrder(db.pool, client, paid.workflowId.replace('order-timeout-', ''));
      await paid.result();
      save('order-timeout-paid', paid.workflowId);
      const unpaid = await createOrder(db.pool, client, queue, order(`rec-unpaid-${randomUUID()}`, 1_000));
      await unpaid.result();
      save('order-timeout-cancelled', unpaid.workflowId);
    });
  } finally {
    await native.close();
    await connected.close();
    await db.close();
    await temporal.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
