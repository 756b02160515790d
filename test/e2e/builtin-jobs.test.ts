/**
 * The built-in `http` and `command` job types end to end: jobs file → schedules → fires run by the
 * CLI's worker pool (`durable-cron worker --allow-http ... --allow-command`) against a local HTTP
 * server and real programs. A second pool started without the flags refuses both.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { loadJobModules } from '../../src/job-types/modules';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { CLI } from '../helpers/cli';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { activities } from '../helpers/history';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

/** A CLI worker pool in its own process group, with its output kept for messages. */
interface Pool {
  readonly child: ChildProcess;
  output(): string;
}

function startPool(args: string[], cwd: string): Pool {
  const child = spawn(process.execPath, [CLI, 'worker', '--processes', '1', '--grace', '1s', ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('DURABLE_CRON_'),
      ),
    ),
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

function stopPool(pool: Pool | undefined): void {
  if (pool?.child.pid === undefined || pool.child.exitCode !== null) return;
  try {
    process.kill(-pool.child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

describe('built-in job types: http and command, on the CLI worker pool', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let server: Server;
  let allowed: Pool | undefined;
  let refusing: Pool | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-builtin-'));
  const suffix = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-${suffix}`;
  const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  /** Idempotency-Key of every request, by path. */
  const keys = new Map<string, string[]>();
  const node = JSON.stringify(process.execPath);
  const refusedQueue = `refusing-${suffix}`;

  const jobsFile = (port: number) => `
version: 1
jobs:
  - { id: ${id('http-flaky')}, type: http, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { method: POST, url: 'http://127.0.0.1:${port}/flaky', body: { n: 1 } },
      steps: { request: { retry: { initialInterval: 100ms } } } }
  - { id: ${id('http-bad')}, type: http, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { url: 'http://127.0.0.1:${port}/bad' }, steps: { request: { retry: { initialInterval: 100ms } } } }
  - { id: ${id('cmd-ok')}, type: command, customer: ops, env: test, schedule: { cron: '0 * * * *' },
      input: { argv: [${node}, -e, 'console.log(process.env.DURABLE_CRON_IDEMPOTENCY_KEY)'] } }
  - { id: ${id('cmd-exit3')}, type: command, customer: ops, env: test, schedule: { cron: '0 * * * *' },
      input: { argv: [${node}, -e, 'console.error("disk full"); process.exit(3)'] },
      steps: { run: { retry: { maximumAttempts: 1 } } } }
  - { id: ${id('cmd-hang')}, type: command, customer: ops, env: test, schedule: { cron: '0 * * * *' },
      input: { argv: [${node}, -e, 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'],
               timeout: 1s, killGrace: 500ms },
      steps: { run: { retry: { maximumAttempts: 1 } } } }
`;

  before(async () => {
    let flaky = 0;
    server = createServer((req, res) => {
      const path = req.url ?? '';
      keys.set(path, [...(keys.get(path) ?? []), String(req.headers['idempotency-key'])]);
      req.resume();
      if (path === '/flaky') {
        flaky += 1;
        res
          .writeHead(flaky === 1 ? 503 : 200, { 'content-type': 'text/plain' })
          .end(flaky === 1 ? 'busy' : 'ok');
      } else {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no such thing');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    const { registry } = loadJobModules([]);
    const file = parseJobsFile(jobsFile(port), 'builtin.yaml', registry);
    await applyJobs(temporal.client, file, { taskQueue: temporal.config.taskQueue, project: 'builtin' });
    const refused = parseJobsFile(
      `jobs:\n  - { id: ${id('cmd-refused')}, type: command, customer: ops, env: test, schedule: { cron: '0 * * * *' }, input: { argv: [${node}, -e, '1'] } }\n` +
        `  - { id: ${id('http-refused')}, type: http, customer: ops, env: test, schedule: { cron: '0 * * * *' }, input: { url: 'http://127.0.0.1:${port}/flaky' } }\n`,
      'refused.yaml',
      registry,
    );
    await applyJobs(temporal.client, refused, { taskQueue: refusedQueue, project: 'refused' });
    const common = ['--address', temporal.config.address, '--database-url', db.url];
    allowed = startPool(
      [...common, '--task-queue', temporal.config.taskQueue, '--allow-http', '127.0.0.1', '--allow-command'],
      dir,
    );
    refusing = startPool([...common, '--task-queue', refusedQueue], dir);
    for (const pool of [allowed, refusing]) {
      await eventually('the pool to poll', () => {
        if (pool.child.exitCode !== null) throw new Error(`the pool exited: ${pool.output()}`);
        if (!pool.output().includes('worker polling')) throw new Error('not polling yet');
        return Promise.resolve(true);
      });
    }
  });

  after(async () => {
    stopPool(allowed);
    stopPool(refusing);
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await db?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fireOnce(jobId: string): Promise<WorkflowHandle> {
    const handle = temporal.client.workflow.getHandle(fireWorkflowId(jobId, fire));
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually(`the run of ${jobId}`, () => handle.describe());
    return handle;
  }

  async function failure(handle: WorkflowHandle): Promise<string> {
    const err = await handle.result().then(
      () => assert.fail(`${handle.workflowId} should fail`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    return err.cause?.message ?? '';
  }

  it('http: a 503 is retried with the same Idempotency-Key, then the run completes', async () => {
    const handle = await fireOnce(id('http-flaky'));
    const result = (await handle.result()) as { results: { request: { status: number; body: string } } };
    assert.equal(result.results.request.status, 200);
    assert.equal(result.results.request.body, 'ok');
    const sent = keys.get('/flaky') ?? [];
    assert.deepEqual(sent, [`${handle.workflowId}/request`, `${handle.workflowId}/request`]);
    assert.equal((await handle.describe()).type, 'http');
    assert.deepEqual(
      (await activities(handle)).map((a) => `${a.type}:${a.outcome}:${a.attempt}`),
      ['http.request:completed:2'],
    );
  });

  it('http: a 400 fails the run at once, without a retry', async () => {
    const handle = await fireOnce(id('http-bad'));
    assert.match(await failure(handle), /step 'request' failed: HttpClientError: .*400/);
    assert.equal((keys.get('/bad') ?? []).length, 1);
  });

  it('command: exit 0 completes with the tail of stdout and the idempotency key in the environment', async () => {
    const handle = await fireOnce(id('cmd-ok'));
    const result = (await handle.result()) as { results: { run: { exitCode: number; stdout: string } } };
    assert.equal(result.results.run.exitCode, 0);
    assert.equal(result.results.run.stdout.trim(), `${handle.workflowId}/run`);
  });

  it('command: exit 3 fails the run with the exit code and the tail of stderr', async () => {
    const message = await failure(await fireOnce(id('cmd-exit3')));
    assert.match(message, /CommandFailed: .*exited with code 3.*disk full/s);
  });

  it('command: past its timeout the program is killed (SIGTERM ignored, then SIGKILL)', async () => {
    const started = Date.now();
    const message = await failure(await fireOnce(id('cmd-hang')));
    assert.match(message, /CommandTimedOut/);
    // Bounded by the timeout and the kill grace, far below the step's own timeout.
    assert.ok(Date.now() - started < 60_000);
  });

  it("the pool's log has no warning about the plan markers' skipped search attribute upsert", () => {
    // The core warns on every steps run (plan markers reach its 2 KB limit on purpose); the
    // runtime's log filter (src/worker/runtime.ts) keeps its patch machine's warnings out.
    const output = allowed?.output() ?? '';
    assert.ok(output.includes('worker polling'), 'no pool output');
    assert.ok(!output.includes('TemporalChangeVersion'), output);
  });

  it('a worker started without --allow-command / --allow-http refuses both, naming the flag', async () => {
    const command = await failure(await fireOnce(id('cmd-refused')));
    assert.match(command, /CommandNotAllowed: .*--allow-command/);
    const http = await failure(await fireOnce(id('http-refused')));
    assert.match(http, /HttpHostNotAllowed: .*127\.0\.0\.1.*--allow-http/);
  });
});
