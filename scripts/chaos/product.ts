/**
 * Chaos harness only: durable-cron itself under faults. A Temporal dev server on a database file,
 * the jobs applied from a jobs file, the product's worker pool as a process of its own, and the
 * faults of {@link runFaults}; then the audit of every job and the effects of every billing fire.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as PgClient, Pool } from 'pg';
import { auditJob, type AuditReport } from '../../src/audit/audit';
import { resolveConfig } from '../../src/config';
import { connectClient, type ConnectedClient } from '../../src/connection';
import { openDatabase } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { migrations as shopMigrations } from '../../examples/shop/migrations';
import { seed } from '../../examples/shop/seed';
import { freePort, startDevServer, type DevServer } from '../../src/dev-server/dev-server';
import { findOrBuildTemporalCli, type TemporalCli } from '../../src/dev-server/temporal-cli';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { registerSearchAttributes } from '../../src/search-attributes';
import { shopRegistry } from '../../test/helpers/jobs';
import { checkBillingEffects, type BillingFire } from './effects';
import { runFaults, type FaultCounts } from './faults';
import type { ChaosPoolArgs } from './pool-main';
import { restartPostgres, type ChaosJob, type ChaosResult, type ChaosSettings } from './shared';
import { formatFireTime } from '../../src/rfc3339';

/** Runs durable-cron under the fault plan and measures what happened. */
export async function runProductChaos(
  settings: ChaosSettings,
  log: (line: string) => void,
): Promise<ChaosResult> {
  const work = mkdtempSync(join(tmpdir(), 'durable-cron-chaos-'));
  // The pool's own log (supervisor, workers, the SDK's connection retries) goes to a file kept after the run.
  const poolLog = `${work}.pool.log`;
  log(`chaos: worker pool log: ${poolLog}`);
  const cli = await findOrBuildTemporalCli({ log });
  const port = await freePort();
  const dbFile = join(work, 'temporal.db');
  let server: DevServer | undefined = await startServer(cli, port, dbFile);
  const database = settings.embedded ? undefined : await createDatabase(settings.databaseUrl);
  const embeddedPort = settings.embedded ? await freePort() : undefined;
  const taskQueue = `chaos-${Date.now().toString(36)}`;
  const config = resolveConfig({ address: server.address, taskQueue }, {});
  let connected: ConnectedClient | undefined = await connectClient(config);
  let pool: PoolProcess | undefined;
  let faults: FaultCounts | undefined;
  let checkPool: Pool | undefined;
  try {
    await registerSearchAttributes(connected.connection, connected.client, config.namespace);
    const jobsFile = parseJobsFile(
      jobsYaml(settings.jobs, settings.overlap),
      'chaos-jobs.yaml',
      shopRegistry(),
    );
    pool = await PoolProcess.start(
      {
        address: server.address,
        taskQueue,
        processes: settings.processes,
        databaseUrl: database?.url,
        embeddedDatabasePort: embeddedPort,
        dataDir: join(work, 'data'),
        failureInjection: settings.jobs.flatMap((job) =>
          job.failAt ? [{ job: job.id, step: job.failAt, kind: 'non-retryable' as const }] : [],
        ),
      },
      settings.stepDelayMs,
      poolLog,
    );
    const dbUrl = database?.url ?? `postgres://postgres@127.0.0.1:${embeddedPort}/postgres`;
    checkPool = new Pool({ connectionString: dbUrl, max: 2 });
    checkPool.on('error', () => {});
    await seed(checkPool);
    // Fires are counted from the first whole second after the schedules exist.
    await applyJobs(connected.client, jobsFile, { taskQueue, project: 'chaos' });
    // The scheduler counts a schedule from when it first ran (its `createdAt`), which a busy server
    // can set a moment after the create call returned: the window starts after every schedule's.
    let created = Date.now();
    for (const job of settings.jobs) {
      const info = (await connected.client.schedule.getHandle(job.id).describe()).info;
      created = Math.max(created, info.createdAt.getTime());
    }
    const from = new Date(Math.ceil((created + 1) / 1000) * 1000);
    log(`chaos: ${settings.jobs.length} jobs applied; faults for ${settings.plan.durationMs / 1000}s`);

    const running = pool;
    faults = await runFaults(
      {
        workerPids: () => running.workerPids(),
        restartServer: async () => {
          const pid = server?.pid;
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
          await server?.exited;
          await connected?.close().catch(() => {});
          connected = undefined;
          await sleep(settings.plan.serverDownMs);
          server = await startServer(cli, port, dbFile);
          connected = await connectClient(config);
        },
        rollingRestart: () => running.rollingRestart(),
        restartPostgres: settings.embedded ? undefined : () => restartPostgres(log),
      },
      settings.plan,
      log,
    );
    const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    log('chaos: faults stopped; waiting for every run to close');
    if (!connected) connected = await connectClient(config);
    await waitForRunsToClose(connected.client, taskQueue, settings.settleMs, log);
    await pool.drain();
    pool = undefined;
    // The pool served the embedded database: serve it from here for the checks.
    let embedded: Awaited<ReturnType<typeof openDatabase>> | undefined;
    if (settings.embedded) {
      await checkPool.end();
      embedded = await openDatabase({ dataDir: join(work, 'data'), embeddedPort, maxConnections: 2 });
      checkPool = embedded.pool;
    }

    log('chaos: auditing');
    const reports: AuditReport[] = [];
    for (const job of settings.jobs) {
      reports.push(
        await auditJob(connected.client, config.namespace, job.id, {
          from,
          to,
          now: new Date(to.getTime() + 60_000),
        }),
      );
    }
    const billingFires: BillingFire[] = [];
    for (const [i, job] of settings.jobs.entries()) {
      if (job.type !== 'billing') continue;
      const report = reports[i] as AuditReport;
      if (report.notExpectedTruncated) {
        throw new Error(
          `audit of ${job.id} lists only ${report.notExpected.length} of ${report.notExpectedCount} not-expected fires; the billing check needs each one`,
        );
      }
      const compensated = new Set(report.compensated.map((f) => f.fireTime));
      const unsuccessful = new Set([
        ...report.failed.map((f) => f.fireTime),
        ...report.missing,
        ...report.notExpected.map((f) => f.fireTime),
        ...report.skippedByPolicy.map((f) => f.fireTime),
      ]);
      const times = fireTimesOf(job, from, to);
      if (times.length !== report.expected) {
        throw new Error(
          `audit of ${job.id} expected ${report.expected} fires, the harness counts ${times.length}`,
        );
      }
      for (const fireTime of times) {
        billingFires.push({
          workflowId: `${job.id}-${fireTime}`,
          fireTime: new Date(fireTime),
          outcome: compensated.has(fireTime)
            ? 'compensated'
            : unsuccessful.has(fireTime)
              ? undefined
              : 'completed',
        });
      }
    }
    const effects = await checkBillingEffects(checkPool, billingFires);
    if (embedded) {
      await embedded.close();
      checkPool = undefined;
    }
    const fires = reports.reduce((n, r) => n + r.expected, 0);
    return {
      design:
        'durable-cron' +
        (settings.embedded ? ', embedded database' : '') +
        (settings.overlap ? `, overlap ${settings.overlap}` : ''),
      window: { from: from.toISOString(), to: to.toISOString() },
      expected: fires,
      ranOnce: reports.reduce((n, r) => n + r.ranOnce, 0),
      // The window starts after the schedules exist and nothing is paused: a fire the audit calls
      // "not expected" (before creation, paused) did not run all the same, so it counts as lost.
      lost: reports.reduce((n, r) => n + r.missing.length + r.notExpectedCount, 0),
      doubled: reports.reduce((n, r) => n + r.duplicates.length, 0),
      skippedByPolicy: reports.reduce((n, r) => n + r.skippedByPolicy.length, 0),
      failed: reports.reduce((n, r) => n + r.failed.length, 0),
      compensated: reports.reduce((n, r) => n + r.compensated.length, 0),
      effects,
      faults,
      details: {
        missing: reports.flatMap((r) => [
          ...r.missing.map((m) => `${r.jobId}-${m.replace(/\.\d{3}Z$/, 'Z')}`),
          ...r.notExpected.map((m) => `${r.jobId}-${m.fireTime.replace(/\.\d{3}Z$/, 'Z')} (${m.reason})`),
        ]),
        doubled: reports.flatMap((r) => r.duplicates.map((d) => `${r.jobId} ${d.fireTime}`)),
        failed: reports.flatMap((r) => r.failed.map((d) => `${r.jobId} ${d.fireTime}`)),
      },
    };
  } finally {
    await checkPool?.end().catch(() => {});
    await pool?.kill();
    await connected?.close().catch(() => {});
    await server?.stop();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Fire times (as the audit writes them) of an `every: Ns` job in [from, to]: multiples of N s since the epoch. */
function fireTimesOf(job: ChaosJob, from: Date, to: Date): string[] {
  const step = job.everySeconds * 1000;
  const times: string[] = [];
  for (let t = Math.ceil(from.getTime() / step) * step; t <= to.getTime(); t += step) {
    times.push(formatFireTime(new Date(t)));
  }
  return times;
}

function jobsYaml(jobs: readonly ChaosJob[], overlap: string | undefined): string {
  const lines = ['version: 1', 'jobs:'];
  for (const job of jobs) {
    const input = job.type === 'billing' ? `{amountCents: ${job.amountCents ?? 1000}}` : '{}';
    lines.push(
      `  - {id: ${job.id}, type: ${job.type}, customer: ${job.customer}, env: chaos, schedule: {every: ${job.everySeconds}s}, ` +
        `input: ${input}${overlap ? `, overlap: ${overlap}` : ''}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function startServer(cli: TemporalCli, port: number, dbFile: string): Promise<DevServer> {
  return startDevServer({ cli, port, ip: '127.0.0.1', headless: true, dbFile });
}

/** Polls until no run on the task queue is open, or the deadline passes. */
async function waitForRunsToClose(
  client: ConnectedClient['client'],
  taskQueue: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = Number.POSITIVE_INFINITY;
  while (Date.now() < deadline) {
    open = (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)).count;
    if (open === 0) return;
    await sleep(2_000);
  }
  log(`chaos: ${open} run(s) still open after ${timeoutMs / 1000}s`);
}

/**
 * A fresh database on the machine's PostgreSQL, migrated with the shop example's tables, dropped
 * at the end.
 */
export async function createDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `durable_cron_chaos_${Date.now().toString(36)}`;
  const admin = new PgClient({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 1 });
  await migrate(pool, [shopMigrations]);
  await pool.end();
  return {
    url: url.toString(),
    drop: async () => {
      const c = new PgClient({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await c.end();
    },
  };
}

/** The worker pool as a process of its own, and its worker processes (the fault victims). */
class PoolProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  static async start(args: ChaosPoolArgs, stepDelayMs: number, logFile: string): Promise<PoolProcess> {
    const fd = openSync(logFile, 'a');
    const child = fork(join(__dirname, 'pool-main.js'), [JSON.stringify(args)], {
      env: { ...process.env, CHAOS_STEP_DELAY_MS: String(stepDelayMs) },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`worker pool exited with code ${code} before it was ready`)),
      );
    });
    const timeout = sleep(120_000).then(() => {
      throw new Error('worker pool did not start within 120 s');
    });
    const pool = new PoolProcess(child, exited);
    try {
      await Promise.race([ready, timeout]);
    } catch (err) {
      await pool.kill();
      throw err;
    }
    return pool;
  }

  /** Pids of the pool's worker processes (its children). */
  workerPids(): number[] {
    const pid = this.child.pid;
    if (pid === undefined) return [];
    return childPids(pid);
  }

  /** SIGTERM each worker process in turn; the supervisor starts its replacement after it drained. */
  async rollingRestart(): Promise<void> {
    for (const pid of this.workerPids()) {
      const before = new Set(this.workerPids());
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const now = this.workerPids();
        if (!now.includes(pid) && now.length >= before.size && now.some((p) => !before.has(p))) break;
        await sleep(200);
      }
    }
  }

  /** Drains the pool (SIGTERM) and waits for it, SIGKILL after 60 s. */
  async drain(): Promise<void> {
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => void this.kill(), 60_000);
    await this.exited;
    clearTimeout(killer);
  }

  /** SIGKILLs the pool and its workers. */
  async kill(): Promise<void> {
    for (const pid of this.workerPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Direct children of a process, from /proc. */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process went away
    }
  }
  return pids;
}
