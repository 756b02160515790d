/**
 * A team's own job types, from TypeScript modules outside durable-cron's source, end to end on a
 * real server and PostgreSQL: a steps job type (generic saga workflow) completes and, when a later
 * step fails, compensates in reverse order; a job type with its own workflow runs; `validate` and
 * `apply` check jobs files against the loaded job types before anything changes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { connectNative } from '../../src/connection';
import { EFFECTS_TABLE } from '../../src/db/tables';
import { loadJobModules, type LoadedJobModules } from '../../src/job-types/modules';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { CUSTOMER } from '../../src/search-attributes';
import { createWorker } from '../../src/worker/worker';
import { runCli } from '../helpers/cli';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { activities } from '../helpers/history';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const DIST = join(__dirname, '..', '..');
const REPO_MODULES = join(DIST, '..', 'node_modules');

/** A project of a team's own: two job modules and one workflow module, in TypeScript. */
function writeProject(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '@temporalio'), { recursive: true });
  symlinkSync(join(REPO_MODULES, 'zod'), join(dir, 'node_modules', 'zod'));
  for (const pkg of ['workflow', 'common', 'proto', 'activity']) {
    symlinkSync(join(REPO_MODULES, '@temporalio', pkg), join(dir, 'node_modules', '@temporalio', pkg));
  }
  mkdirSync(join(dir, 'jobs'));
  mkdirSync(join(dir, 'workflows'));
  const lib = JSON.stringify(join(DIST, 'src'));
  writeFileSync(
    join(dir, 'jobs', 'ledger.ts'),
    `import { z } from 'zod';
import { ApplicationFailure } from '@temporalio/activity';
import { defineJob, type StepArgs } from ${lib};

type Input = { amount: number; failAt?: 'notify' };

async function record(args: StepArgs<Input>, step: string, kind: string, key: string): Promise<number> {
  const { rows } = await args.db!.query<{ seq: number }>(
    'INSERT INTO ledger_events (key, step, kind) VALUES ($1, $2, $3) RETURNING seq', [key, step, kind]);
  return rows[0]!.seq;
}

export const ledgerSync = defineJob({
  name: 'ledger-sync',
  description: 'Reserves, transfers, notifies; undoes the first two on failure',
  input: z.strictObject({ amount: z.int().min(1), failAt: z.enum(['notify']).optional() }),
  steps: [
    {
      name: 'reserve',
      timeout: '10s',
      run: async (args) => {
        const { result } = await args.once(async (tx) => {
          await tx.query('INSERT INTO ledger_events (key, step, kind) VALUES ($1, $2, $3)', [args.idempotencyKey, 'reserve', 'do']);
          return { reservation: 'r-' + args.job.customer + '-' + args.input.amount };
        });
        return result;
      },
      compensate: async (args) => { await record(args, 'reserve', 'undo', args.stepKey); },
    },
    {
      name: 'transfer',
      run: async (args) => {
        const reservation = (args.results.reserve as { reservation: string }).reservation;
        await record(args, 'transfer', 'do', args.idempotencyKey);
        return { reservation, fireTime: args.job.fireTime };
      },
      compensate: async (args) => {
        assert(args.result, 'the compensation gets the step result');
        await record(args, 'transfer', 'undo', args.stepKey);
      },
      compensation: { retry: { initialInterval: '100ms' } },
    },
    {
      name: 'notify',
      retry: { initialInterval: '100ms', maximumAttempts: 5 },
      run: async (args) => {
        if (args.input.failAt === 'notify') throw ApplicationFailure.create({ message: 'mail server says no', type: 'MailDown' });
        return { sent: true, attempt: args.attempt };
      },
    },
  ],
});

function assert(value: unknown, message: string): void {
  if (!value) throw new Error(message);
}
`,
  );
  writeFileSync(
    join(dir, 'jobs', 'fanout.ts'),
    `import { z } from 'zod';
import { defineJob } from ${lib};
import { PART_STEP } from '../workflows/fanout-steps';

export const fanout = defineJob({
  name: 'fanout',
  input: z.strictObject({ parts: z.int().min(1).max(10) }),
  workflow: { module: require.resolve('../workflows/fanout'), export: 'fanout' },
  steps: [PART_STEP],
  activities: () => ({ fanoutPart: async (_job: unknown, part: number) => part * part }),
});
`,
  );
  writeFileSync(
    join(dir, 'workflows', 'fanout-steps.ts'),
    `export const PART_STEP = {
  name: 'part',
  activity: 'fanoutPart',
  policy: { startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } },
} as const;
`,
  );
  writeFileSync(
    join(dir, 'workflows', 'fanout.ts'),
    `import { StepRunner, stepContext, type JobRunInput } from ${JSON.stringify(join(DIST, 'workflows', 'public'))};
import { PART_STEP } from './fanout-steps';

export async function fanout(input: JobRunInput<{ parts: number }>): Promise<{ sum: number }> {
  const ctx = stepContext(input);
  const part = new StepRunner(input.steps).step(PART_STEP) as (job: unknown, i: number) => Promise<number>;
  const squares = await Promise.all(Array.from({ length: input.input.parts }, (_, i) => part(ctx, i + 1)));
  return { sum: squares.reduce((a, b) => a + b, 0) };
}
`,
  );
}

describe('job types of your own, from modules outside durable-cron', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let closeNative: () => Promise<void>;
  let loaded: LoadedJobModules;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-user-jobs-'));
  const suffix = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-${suffix}`;
  const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const jobsFile = `
version: 1
jobs:
  - { id: ${id('ledger-ok')}, type: ledger-sync, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { amount: 7 } }
  - { id: ${id('ledger-fail')}, type: ledger-sync, customer: globex, env: test, schedule: { cron: '0 * * * *' },
      input: { amount: 9, failAt: notify }, steps: { notify: { retry: { maximumAttempts: 2 } } } }
  - { id: ${id('fanout')}, type: fanout, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { parts: 4 } }
`;

  before(async () => {
    writeProject(dir);
    writeFileSync(join(dir, 'jobs.yaml'), jobsFile);
    loaded = loadJobModules([join(dir, 'jobs')]);
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    await db.pool.query(
      'CREATE TABLE ledger_events (seq serial PRIMARY KEY, key text NOT NULL, step text NOT NULL, kind text NOT NULL)',
    );
    await applyJobs(temporal.client, parseJobsFile(jobsFile, 'jobs.yaml', loaded.registry), {
      taskQueue: temporal.config.taskQueue,
      project: 'user-jobs',
    });
    const native = await connectNative(temporal.config);
    closeNative = () => native.close();
    worker = await createWorker({
      connection: native,
      config: temporal.config,
      registry: loaded.registry,
      deps: { dataDir: dir, db: db.pool },
      shutdownGraceTime: '1s',
    });
    running = worker.run();
  });

  after(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await closeNative?.();
    await db?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fireOnce(jobId: string) {
    const handle = temporal.client.workflow.getHandle(fireWorkflowId(jobId, fire));
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually(`the run of ${jobId}`, () => handle.describe());
    return handle;
  }

  async function ledger(): Promise<string[]> {
    const { rows } = await db.pool.query<{ key: string; step: string; kind: string }>(
      'SELECT key, step, kind FROM ledger_events ORDER BY seq',
    );
    return rows.map((r) => `${r.kind} ${r.step} ${r.key}`);
  }

  it('loads the job types of a folder of TypeScript modules next to the built-in ones', () => {
    assert.ok(loaded.registry.get('ledger-sync'));
    assert.ok(loaded.registry.get('fanout'));
    assert.equal(loaded.modules.length, 2);
  });

  it('runs a steps job type in order on the generic workflow, each effect keyed <workflowId>/<step>', async () => {
    const handle = await fireOnce(id('ledger-ok'));
    const result = (await handle.result()) as { results: Record<string, unknown>; fireTime: string };
    const wid = handle.workflowId;
    assert.deepEqual(result.results, {
      reserve: { reservation: 'r-acme-7' },
      transfer: { reservation: 'r-acme-7', fireTime: fire.toISOString() },
      notify: { sent: true, attempt: 1 },
    });
    const description = await handle.describe();
    assert.equal(description.type, 'ledger-sync');
    assert.equal(description.typedSearchAttributes.get(CUSTOMER), 'acme');
    assert.deepEqual(
      (await activities(handle)).map((a) => `${a.type}:${a.outcome}`),
      ['ledger-sync.reserve:completed', 'ledger-sync.transfer:completed', 'ledger-sync.notify:completed'],
    );
    const rows = (await ledger()).filter((r) => r.includes(wid));
    assert.deepEqual(rows, [`do reserve ${wid}/reserve`, `do transfer ${wid}/transfer`]);
    const effects = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${EFFECTS_TABLE} WHERE idempotency_key = $1`,
      [`${wid}/reserve`],
    );
    assert.equal(effects.rows[0]?.n, 1);
  });

  it('compensates the completed steps in reverse order when a later step fails for good', async () => {
    const handle = await fireOnce(id('ledger-fail'));
    const err = await handle.result().then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(
      err.cause?.message ?? '',
      /^step 'notify' failed: MailDown: mail server says no; compensated: transfer, reserve$/,
    );
    const wid = handle.workflowId;
    assert.deepEqual(
      (await ledger()).filter((r) => r.includes(wid)),
      [
        `do reserve ${wid}/reserve`,
        `do transfer ${wid}/transfer`,
        `undo transfer ${wid}/transfer`,
        `undo reserve ${wid}/reserve`,
      ],
    );
    assert.deepEqual(
      (await activities(handle)).map((a) => `${a.type}:${a.outcome}:${a.attempt}`),
      [
        'ledger-sync.reserve:completed:1',
        'ledger-sync.transfer:completed:1',
        // The jobs file's override (2 attempts) wins over the job type's 5.
        'ledger-sync.notify:failed:2',
        'ledger-sync.transfer.compensate:completed:1',
        'ledger-sync.reserve.compensate:completed:1',
      ],
    );
  });

  it('runs a job type with its own workflow, bundled from the user module', async () => {
    const handle = await fireOnce(id('fanout'));
    assert.deepEqual(await handle.result(), { sum: 1 + 4 + 9 + 16 });
    assert.equal((await handle.describe()).type, 'fanout');
  });

  it('validate checks a jobs file against the loaded job types, with located errors', async () => {
    const ok = await runCli(['validate', '-f', join(dir, 'jobs.yaml'), '--jobs', join(dir, 'jobs')], {}, dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /3 job\(s\) of project jobs \(from file name\), no problems/);
    writeFileSync(
      join(dir, 'bad.yaml'),
      `jobs:\n  - { id: bad, type: ledger-sync, customer: a, env: b, schedule: { every: 1m },\n      input: { amount: 0 } }\n`,
    );
    const bad = await runCli(['validate', '-f', join(dir, 'bad.yaml'), '--jobs', join(dir, 'jobs')], {}, dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.yaml:3 jobs\[0\]\.input\.amount: /);
  });

  it('apply refuses a job type the workers do not have, before anything changes', async () => {
    const jobId = id('unknown-type');
    writeFileSync(
      join(dir, 'unknown.yaml'),
      `jobs:\n  - { id: ${jobId}, type: ledger-sync, customer: a, env: b, schedule: { every: 1m }, input: { amount: 1 } }\n` +
        `  - { id: ${id('typo')}, type: ledger-sink, customer: a, env: b, schedule: { every: 1m } }\n`,
    );
    const result = await runCli(
      [
        'apply',
        '-f',
        join(dir, 'unknown.yaml'),
        '--jobs',
        join(dir, 'jobs'),
        '--address',
        temporal.config.address,
        '--task-queue',
        temporal.config.taskQueue,
      ],
      {},
      dir,
    );
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stderr,
      /unknown\.yaml:3 jobs\[1\]\.type: unknown job type 'ledger-sink' \(known: .*fanout.*ledger-sync.*\); a job type of your own loads with --jobs/,
    );
    await assert.rejects(temporal.client.schedule.getHandle(jobId).describe(), /not found/i);
  });

  it('a module that does not load fails with its path and reason', async () => {
    writeFileSync(join(dir, 'broken.ts'), 'export const x = ;\n');
    const result = await runCli(['validate', '-f', join(dir, 'jobs.yaml'), '--jobs', join(dir, 'broken.ts')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--jobs .*broken\.ts: cannot load .*broken\.ts: /);
  });
});
