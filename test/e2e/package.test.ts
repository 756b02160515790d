/**
 * durable-cron as its users get it: the repo packed with `npm pack`, a project made by
 * `durable-cron init` in a folder outside the repo, `npm install` of the tarball, and then in that
 * project: its own `npm test`, its types checked against the package's declarations, `validate`,
 * and the example job type run for real (setup, apply, a worker pool, a triggered fire) on a
 * Temporal dev server and PostgreSQL. Only the npm registry's cache is shared with the repo.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EFFECTS_TABLE } from '../../src/db/tables';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'src', 'cli', 'bin.js');
/** Folders of the package users need; nothing else may be packed. */
const SHIPPED = [/^dist\/(src|workflows|activities)\//, /^(package\.json|README\.md|LICENSE)$/];

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: no Temporal or durable-cron settings, and none of what npm and
 * the test runner set for this process (a nested `node --test` would report to us otherwise).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(TEMPORAL_|DURABLE_CRON_|npm_|NODE_TEST_|INIT_CWD$|DATABASE_URL$)/i.test(k) &&
        k !== 'NODE_OPTIONS',
    ),
  );
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Starts `command` in its own process group, so stopping it stops what it started. */
function start(command: string, args: string[], cwd: string, env?: Record<string, string>): ChildProcess {
  return spawn(command, args, { cwd, env: userEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion within `timeoutMs` (its process group is killed then). */
async function run(
  command: string,
  args: string[],
  cwd: string,
  options: { timeoutMs: number; env?: Record<string, string> },
): Promise<Ran> {
  const child = start(command, args, cwd, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(child, 2_000);
  }, options.timeoutMs);
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode) => done(exitCode));
  }).finally(() => clearTimeout(timer));
  if (timedOut) {
    throw new Error(`${command} ${args.join(' ')} took over ${options.timeoutMs} ms\n${stdout}\n${stderr}`);
  }
  return { code, stdout, stderr };
}

/** Runs a command and fails the test, with its output, unless it exits 0. */
async function ok(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env?: Record<string, string>,
) {
  const ran = await run(command, args, cwd, { timeoutMs, env });
  assert.equal(ran.code, 0, `${command} ${args.join(' ')} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

describe('the package: npm pack, durable-cron init, npm install, and the project running its job', () => {
  let temp: string;
  let tarball: string;
  let project: string;

  before(() => {
    temp = mkdtempSync(join(tmpdir(), 'durable-cron-package-'));
    project = join(temp, 'hello-jobs');
  });
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('packs only the built library, CLI and workflows, with an executable entry', async () => {
    // The test runs on a fresh build, so pack without building again.
    const packed = await ok(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', temp],
      REPO,
      60_000,
    );
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(temp, info.filename);
    const files = info.files.map((f) => f.path);
    const stray = files.filter((f) => !SHIPPED.some((pattern) => pattern.test(f)));
    assert.deepEqual(stray, [], 'only dist/src, dist/workflows, dist/activities and the docs are packed');
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = Object.values(manifest.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    for (const target of [...targets, ...Object.values(manifest.bin)]) {
      assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is packed`);
    }
    assert.match(readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('init creates the project, and never overwrites a file', async () => {
    const made = await ok(
      process.execPath,
      [CLI, 'init', project, '--durable-cron', `file:${tarball}`],
      temp,
      30_000,
    );
    for (const file of [
      'package.json',
      'jobs/hello.ts',
      'test/hello.test.ts',
      'jobs.yaml',
      'durable-cron.config.json',
    ]) {
      assert.match(made.stdout, new RegExp(`\\+ ${file.replace('.', '\\.')}\\n`), `lists ${file}`);
    }
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    assert.equal(pkg.name, 'hello-jobs');
    assert.deepEqual(pkg.dependencies, { 'durable-cron': `file:${tarball}`, zod: '^4.6.7' });

    const refused = await run(process.execPath, [CLI, 'init', project], temp, { timeoutMs: 30_000 });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is not empty .*--force/);
    writeFileSync(join(project, 'README.md'), 'our own notes\n');
    const again = await ok(process.execPath, [CLI, 'init', '--force', '--json'], project, 30_000);
    const result = JSON.parse(again.stdout) as { created: string[]; kept: string[] };
    assert.deepEqual(result.created, []);
    assert.equal(result.kept.length, 8, again.stdout);
    assert.equal(readFileSync(join(project, 'README.md'), 'utf8'), 'our own notes\n');
  });

  it("installs, and passes the project's own tests and type check against the declarations", async () => {
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project, 180_000);
    // One zod: the project's schemas are the instances durable-cron validates with (a peer dependency).
    const zods = await ok('npm', ['ls', 'zod', '--all', '--parseable'], project, 30_000);
    assert.deepEqual(zods.stdout.trim().split('\n'), [join(project, 'node_modules', 'zod')]);
    const tested = await ok('npm', ['test'], project, 90_000);
    assert.match(tested.stdout, /pass 3\b/);
    assert.match(tested.stdout, /fail 0\b/);

    // Every entry point, type-checked without skipLibCheck: the package's .d.ts must hold up.
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { defineJob, stepArgsForTest, type StepArgs } from 'durable-cron';
import { StepRunner, runSaga, nominalFireTime, type JobRunInput } from 'durable-cron/workflow';
import 'durable-cron/register';
import { z } from 'zod';
export const t = defineJob({ name: 'typed', input: z.object({ n: z.number() }), steps: [{ name: 's', run: async (a: StepArgs<{ n: number }>) => a.input.n }] });
export const args = stepArgsForTest({ jobType: t, input: { n: 1 } });
export async function flow(input: JobRunInput<{ n: number }>): Promise<string> {
  return runSaga(new StepRunner(input.steps), async () => nominalFireTime(input));
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.libcheck.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { skipLibCheck: false },
        files: ['consumer.ts'],
      }),
    );
    const checked = await run('npx', ['tsc', '-p', 'tsconfig.libcheck.json'], project, { timeoutMs: 90_000 });
    // @temporalio/common's own declarations import the untyped 'ms' (skipLibCheck hides it): theirs, not ours.
    const errors = checked.stdout.split('\n').filter((line) => /error TS/.test(line));
    const ours = errors.filter((line) => !line.startsWith('node_modules/@temporalio/'));
    assert.deepEqual(ours, [], checked.stdout);
  });

  it('validates the jobs file with the job types of jobs/', async () => {
    const validated = await ok('npx', ['durable-cron', 'validate'], project, 30_000);
    assert.match(validated.stdout, /jobs\.yaml: 1 job\(s\) of project hello-jobs .*no problems/);
  });

  it('runs the example job: setup, apply, a worker pool, a triggered fire', async () => {
    let temporal: TestTemporal | undefined;
    let database: TestDatabase | undefined;
    let worker: ChildProcess | undefined;
    let workerLog = '';
    try {
      [temporal, database] = await Promise.all([startTestTemporal(), startTestDatabase({ migrations: [] })]);
      const global = ['--address', temporal.server.address, '--task-queue', temporal.config.taskQueue];
      const env = { DATABASE_URL: database.url };
      await ok('npx', ['durable-cron', ...global, 'setup'], project, 60_000, env);
      const applied = await ok('npx', ['durable-cron', ...global, 'apply'], project, 60_000, env);
      assert.match(applied.stdout, /\+ create hello-acme/);

      worker = start(
        'npx',
        ['durable-cron', ...global, 'worker', '--processes', '1', '--grace', '2s'],
        project,
        env,
      );
      worker.stdout?.on('data', (c: Buffer) => (workerLog += c.toString()));
      worker.stderr?.on('data', (c: Buffer) => (workerLog += c.toString()));

      const triggered = await ok(
        'npx',
        ['durable-cron', ...global, 'schedules', 'trigger', 'hello-acme'],
        project,
        30_000,
      );
      assert.match(triggered.stdout, /^Triggered hello-acme/);
      // The CLI names the run when the schedule shows it in time; otherwise the schedule will.
      const client = temporal.client;
      const workflowId =
        /run (hello-acme-\S+)/.exec(triggered.stdout)?.[1] ??
        (await eventually('the triggered run', async () => {
          const { recentActions } = (await client.schedule.getHandle('hello-acme').describe()).info;
          return recentActions.at(-1)?.action.workflow.workflowId;
        }));
      const result = (await withDeadline(
        temporal.client.workflow.getHandle(workflowId).result(),
        90_000,
        () => `the run ${workflowId} did not complete; worker log:\n${workerLog}`,
      )) as {
        results: { announce: { text: string }; report: { characters: number } };
        saga: { done: string[] };
      };
      const { announce, report } = result.results;
      assert.match(announce.text, /^Hello, acme \(dev\)! Fire time: /);
      assert.deepEqual(report, { characters: announce.text.length });
      assert.deepEqual(result.saga.done, ['announce', 'report']);
      // `once` recorded the step's effect under its idempotency key in the worker's database.
      const { rowCount } = await database.pool.query(
        `SELECT 1 FROM ${EFFECTS_TABLE} WHERE idempotency_key = $1`,
        [`${workflowId}/announce`],
      );
      assert.equal(rowCount, 1);
    } finally {
      if (worker) await stopGroup(worker);
      await temporal?.stop();
      await database?.close();
    }
  });
});

/** `promise`, or a failure with `message()` after `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  // The loser of the race may still settle (the client closes in finally): nobody waits for it.
  void promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
