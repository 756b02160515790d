/**
 * `durable-cron start` (`npm start`): the whole thing on one machine. Starts the dev server,
 * registers search attributes, opens the database (embedded unless `DATABASE_URL` is set) and
 * applies durable-cron's and the jobs modules' migrations, runs each module's `start.prepare`
 * (seed data), applies the jobs file, runs a worker with the jobs modules' job types, fires each
 * job once so there is something to look at, runs each module's `start.demo`, and prints where to
 * look. Ctrl-C stops everything.
 */
import type { Client } from '@temporalio/client';
import { resolveConfig, uiRunUrl, uiWorkflowsUrl, type ResolvedConfig } from '../../config';
import { connectClient, connectNative } from '../../connection';
import { readJobsFile } from '../../jobs/load';
import { applyJobs } from '../../schedules/apply';
import { OUTCOME, registerSearchAttributes } from '../../search-attributes';
import { installRuntime } from '../../worker/runtime';
import { openActivityDeps } from '../../worker/deps';
import { createWorker } from '../../worker/worker';
import type { Command } from 'commander';
import { jobModulesFrom, jobsFileFrom, projectFrom } from '../jobs';
import type { Output } from '../output';
import { startDevFromFlags, type DevFlags } from './dev';
import { parseAllowHttp } from './worker';

/** Flags of `start`. */
export interface StartFlags extends DevFlags {
  dataDir: string;
  allowHttp?: string;
  allowCommand?: boolean;
  databaseUrl?: string;
  logLevel: string;
}

/** Runs the local stack until Ctrl-C. */
export async function runStart(
  base: ResolvedConfig,
  flags: StartFlags,
  output: Output,
  cmd: Command,
): Promise<void> {
  const settings = projectFrom(cmd);
  const file = jobsFileFrom(cmd, settings);
  const modules = jobModulesFrom(cmd, settings);
  const { jobs, project } = await readJobsFile(file, modules.registry);
  const permissions = {
    allowHttp: parseAllowHttp(flags.allowHttp ?? settings.allowHttp),
    allowCommand: flags.allowCommand ?? settings.allowCommand ?? false,
  };
  installRuntime({ logLevel: flags.logLevel });
  const server = await startDevFromFlags({ ...flags, detach: false }, output);
  if (!server) return;
  // The local dev server speaks plaintext and takes no API key: the profile's and the
  // environment's TLS and key settings are for remote servers, so none are read here.
  const config = resolveConfig(
    {
      address: server.address,
      namespace: base.namespace,
      taskQueue: base.taskQueue,
      uiUrl: server.uiUrl,
    },
    {},
  );
  const { client, connection, close } = await connectClient(config);
  const native = await connectNative(config);
  // Migrated on open (durable-cron's tables, then the modules'), DATABASE_URL included: this is a local demo.
  const opened = await openActivityDeps({
    dataDir: flags.dataDir,
    databaseUrl: base.databaseUrl,
    migrations: modules.migrations,
    migrateAlways: true,
  });
  try {
    await registerSearchAttributes(connection, client, config.namespace);
    const db = opened.deps.db;
    if (!db) throw new Error('the worker dependencies have no database');
    const notes: string[] = [];
    for (const hook of modules.startHooks) {
      const note = await hook.prepare?.({ db });
      if (note) notes.push(note);
    }
    output.out(
      `Database ${base.databaseUrl ? 'from DATABASE_URL' : `embedded (${flags.dataDir}/pglite)`}: migrated${notes.length > 0 ? `, ${notes.join(', ')}` : ''}.`,
    );
    const changes = await applyJobs(client, jobs, {
      taskQueue: config.taskQueue,
      project,
      encryptionKeyId: config.codec?.keys[0]?.id,
    });
    output.out(`Applied ${changes.length} job(s) from ${file}: ${changes.map((c) => c.jobId).join(', ')}`);
    const worker = await createWorker({
      connection: native,
      config,
      registry: modules.registry,
      deps: { ...opened.deps, ...permissions },
      failureInjection: modules.startHooks.flatMap((hook) => hook.failures ?? []),
    });
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

    for (const hook of modules.startHooks) {
      await hook.demo?.({ db, client, taskQueue: config.taskQueue, print: (line) => output.out(line) });
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
