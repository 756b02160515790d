/**
 * `durable-cron start` (`npm start`): the whole thing on one machine. Starts the dev server,
 * registers search attributes, opens the jobs' database (embedded unless `DATABASE_URL` is set),
 * migrates and seeds it, applies the example jobs, runs a worker, fires each job once so there is
 * something to look at (a billing run that compensates included), creates two orders with their
 * `order-timeout` workflows, and prints where to look. Ctrl-C stops everything.
 */
import type { Client } from '@temporalio/client';
import { resolveConfig, uiRunUrl, uiWorkflowsUrl, type ResolvedConfig } from '../../config';
import { connectClient, connectNative } from '../../connection';
import { seed } from '../../../examples/shop/seed';
import { migrate } from '../../db/migrate';
import { createOrder, payOrder } from '../../job-types/orders';
import { loadJobsFile } from '../../jobs/load';
import { applyJobs } from '../../schedules/apply';
import { OUTCOME, registerSearchAttributes } from '../../search-attributes';
import { installRuntime } from '../../worker/runtime';
import { openActivityDeps } from '../../worker/deps';
import { createWorker } from '../../worker/worker';
import { BUILT_IN_JOBS_MIGRATIONS } from '../jobs-migrations';
import type { Output } from '../output';
import { startDevFromFlags, type DevFlags } from './dev';

/** Flags of `start`. */
export interface StartFlags extends DevFlags {
  file: string;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
}

/** Runs the local stack until Ctrl-C. */
export async function runStart(base: ResolvedConfig, flags: StartFlags, output: Output): Promise<void> {
  const jobs = await loadJobsFile(flags.file);
  installRuntime({ logLevel: flags.logLevel });
  const server = await startDevFromFlags({ ...flags, detach: false }, output);
  if (!server) return;
  const config = resolveConfig({
    address: server.address,
    namespace: base.namespace,
    taskQueue: base.taskQueue,
    uiUrl: server.uiUrl,
  });
  const { client, connection, close } = await connectClient(config);
  const native = await connectNative(config);
  const opened = await openActivityDeps({
    dataDir: flags.dataDir,
    databaseUrl: base.databaseUrl,
    migrations: BUILT_IN_JOBS_MIGRATIONS,
  });
  try {
    await registerSearchAttributes(connection, client, config.namespace);
    const db = opened.deps.db;
    if (!db) throw new Error('the worker dependencies have no database');
    const migrated = await migrate(db, BUILT_IN_JOBS_MIGRATIONS);
    const seeded = await seed(db);
    const versions = migrated.sources.map((m) => `${m.source} ${m.version}`).join(', ');
    output.out(
      `Database ${base.databaseUrl ? 'from DATABASE_URL' : `embedded (${flags.dataDir}/pglite)`}: schema versions ${versions}, seeded ${seeded.orders} new orders.`,
    );
    const changes = await applyJobs(client, jobs, { taskQueue: config.taskQueue });
    output.out(
      `Applied ${changes.length} job(s) from ${flags.file}: ${changes.map((c) => c.jobId).join(', ')}`,
    );
    const worker = await createWorker({ connection: native, config, deps: opened.deps });
    const running = worker.run();
    output.out(`Worker polling task queue '${config.taskQueue}'.`);

    output.out('Firing each job once so you have runs to look at:');
    for (const job of jobs.jobs) {
      const workflowId = await triggerAndWait(client, job.id);
      const description = await client.workflow.getHandle(workflowId).describe();
      const outcome = description.typedSearchAttributes.get(OUTCOME);
      output.out(
        `  ${description.status.name.padEnd(9)} ${workflowId}${outcome ? ` (outcome: ${outcome})` : ''}`,
      );
      output.out(`            ${uiRunUrl(config, workflowId, description.runId)}`);
    }

    output.out('Creating two orders, each with its order-timeout workflow (a durable 30-minute timer):');
    const stamp = Date.now().toString(36);
    for (const [suffix, pay] of [
      ['paid', true],
      ['unpaid', false],
    ] as const) {
      const orderId = `demo-${stamp}-${suffix}`;
      const handle = await createOrder(db, client, config.taskQueue, {
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
      output.out(
        `  ${status.padEnd(9)} ${handle.workflowId} (${pay ? 'paid: signalled' : 'cancelled in 30 minutes unless paid'})`,
      );
    }
    const customer = jobs.jobs[0]?.customer;
    output.out('');
    output.out(`Web UI, all runs:      ${uiWorkflowsUrl(config)}`);
    if (customer)
      output.out(
        `Runs of '${customer}':`.padEnd(23) + `${uiWorkflowsUrl(config, `customer = '${customer}'`)}`,
      );
    output.out(`Compensated runs:      ${uiWorkflowsUrl(config, "outcome = 'compensated'")}`);
    output.out(`Schedules:             ${config.uiUrl}/namespaces/${config.namespace}/schedules`);
    output.out('Schedules keep firing while this runs. Press Ctrl-C to stop.');

    // The Temporal runtime shuts the worker down on SIGINT/SIGTERM; run() then resolves.
    await running;
    output.out('Worker stopped.');
  } finally {
    await opened.close();
    native.close().catch(() => {});
    await close();
    await server.stop();
    output.out('Temporal dev server stopped.');
  }
}

/** Triggers a schedule now and waits for the run it starts to close; returns its workflow id. */
async function triggerAndWait(client: Client, scheduleId: string): Promise<string> {
  const handle = client.schedule.getHandle(scheduleId);
  // recentActions keeps only the last few: detect the new run by a changed last workflow id.
  const before = (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
  await handle.trigger();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const latest = (await handle.describe()).info.recentActions.at(-1);
    if (latest && latest.action.workflow.workflowId !== before) {
      const { workflowId } = latest.action.workflow;
      await client.workflow
        .getHandle(workflowId)
        .result()
        .catch(() => undefined);
      return workflowId;
    }
    if (Date.now() > deadline) throw new Error(`schedule '${scheduleId}' did not start a run within 60s`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
