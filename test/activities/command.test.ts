/**
 * The `command` job type's step alone (MockActivityEnvironment, through the same adapter the worker
 * uses) with real processes: exit codes, the environment the child gets, timeouts that end in
 * SIGKILL, the process group killed on cancellation, and the worker's permission.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledFailure } from '@temporalio/common';
import type { CommandFailureDetails, CommandResult } from '../../activities/command';
import type { ActivityDeps } from '../../activities/deps';
import { commandJobType } from '../../src/job-types/command';
import { attemptEnv, failureOf, runStep, stepActivity } from '../helpers/step-activity';

const node = process.execPath;

/** Whether `pid` is a live process (a zombie is dead: it only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until `check` holds, failing after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

describe('command job type: the run step', () => {
  let dir: string;
  const leftovers: number[] = [];
  const deps: ActivityDeps = {
    dataDir: '/nonexistent',
    allowCommand: true,
    env: { PATH: process.env.PATH, SHARED_SECRET: 'from-the-worker', NOT_LISTED: 'hidden' },
  };
  const step = stepActivity(commandJobType, 'run', deps);
  const run = (wf: string, input: unknown) => runStep(attemptEnv(wf), step, 'nightly-export', input);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-cron-command-'));
  });
  after(async () => {
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('exit code 0 succeeds with the output tails; the child gets only PATH, the listed variables and the run', async () => {
    const wf = `cmd-${randomUUID()}`;
    const script =
      'console.log(JSON.stringify(process.env)); console.error("a warning"); console.log(process.cwd())';
    const result = (await run(wf, {
      argv: [node, '-e', script],
      cwd: dir,
      env: ['SHARED_SECRET'],
      vars: { MODE: 'full' },
    })) as CommandResult;
    assert.equal(result.exitCode, 0);
    assert.equal(result.stderr, 'a warning\n');
    const [envLine, cwdLine] = result.stdout.trimEnd().split('\n');
    assert.equal(cwdLine, dir);
    const childEnv = JSON.parse(envLine ?? '{}') as Record<string, string>;
    assert.deepEqual(childEnv, {
      PATH: process.env.PATH,
      SHARED_SECRET: 'from-the-worker',
      MODE: 'full',
      DURABLE_CRON_IDEMPOTENCY_KEY: `${wf}/run`,
      DURABLE_CRON_WORKFLOW_ID: wf,
      DURABLE_CRON_JOB_ID: 'nightly-export',
      DURABLE_CRON_FIRE_TIME: '2026-11-20T03:00:00.000Z',
      DURABLE_CRON_CUSTOMER: 'acme',
      DURABLE_CRON_ENV: 'test',
      DURABLE_CRON_ATTEMPT: '1',
    });
    assert.equal(result.stdoutBytes, Buffer.byteLength(result.stdout));
    assert.equal(typeof result.durationMs, 'number');

    const tail = (await run(`cmd-${randomUUID()}`, {
      argv: [node, '-e', 'process.stdout.write("0123456789".repeat(100) + "END")'],
      outputTailBytes: 10,
    })) as CommandResult;
    assert.equal(tail.stdout, '3456789END');
    assert.equal(tail.stdoutBytes, 1003);
  });

  it('a non-zero exit is a retryable CommandFailed with the exit code and the end of stderr', async () => {
    const failure = await failureOf(
      run(`cmd-${randomUUID()}`, {
        argv: [node, '-e', 'console.error("export failed: disk full"); process.exit(3)'],
      }),
    );
    assert.equal(failure.type, 'CommandFailed');
    assert.equal(failure.nonRetryable, false);
    assert.equal(
      failure.message,
      `'${node}' exited with code 3; stderr ends with:\nexport failed: disk full`,
    );
    const details = failure.details?.[0] as CommandFailureDetails;
    assert.equal(details.exitCode, 3);
    assert.equal(details.signal, null);
    assert.equal(details.stderr, 'export failed: disk full\n');
  });

  it('past its timeout the command gets SIGTERM, then SIGKILL after killGrace; its children die with it', async () => {
    const pidFile = join(dir, `grandchild-${randomUUID()}`);
    const started = Date.now();
    // Ignoring SIGTERM is inherited by the background sleep too.
    const failure = await failureOf(
      run(`cmd-${randomUUID()}`, {
        argv: ['sh', '-c', `trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait; wait`],
        timeout: '500ms',
        killGrace: '300ms',
      }),
    );
    const elapsed = Date.now() - started;
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    leftovers.push(grandchild);
    assert.equal(failure.type, 'CommandTimedOut');
    assert.equal(failure.message, `'sh' did not finish within 500ms: sent SIGTERM, then SIGKILL after 300ms`);
    const details = failure.details?.[0] as CommandFailureDetails;
    assert.equal(details.signal, 'SIGKILL');
    assert.equal(details.exitCode, null);
    assert.ok(elapsed >= 800, `killed after ${elapsed} ms, before timeout + killGrace`);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    await until(() => !alive(grandchild), 5000, `grandchild ${grandchild} to die`);
  });

  it("a step timeout shorter than the input's timeout kills the program before the step's timeout", async () => {
    const env = attemptEnv(`cmd-${randomUUID()}`, 1, { startToCloseTimeoutMs: 2500 });
    const failure = await failureOf(
      runStep(env, step, 'j', { argv: ['sleep', '30'], timeout: '1m', killGrace: '300ms' }),
    );
    assert.equal(failure.type, 'CommandTimedOut');
    assert.equal(
      failure.message,
      "'sleep' did not finish within 200ms (the step's timeout 2s500ms minus killGrace and a margin: " +
        "raise steps.run.timeout above the input's timeout 1m): sent SIGTERM",
    );
  });

  it('cancelling the step kills the process group, grandchildren included', async () => {
    const pidFile = join(dir, `grandchild-${randomUUID()}`);
    const env = attemptEnv(`cmd-${randomUUID()}`);
    const pending = runStep(env, step, 'j', {
      argv: ['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`],
      timeout: '1m',
    });
    let grandchild = 0;
    await until(
      async () => {
        grandchild = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
        return grandchild > 0;
      },
      5000,
      'the command to start its child',
    );
    leftovers.push(grandchild);
    assert.ok(alive(grandchild));
    env.cancel();
    await assert.rejects(pending, (err) => err instanceof CancelledFailure);
    await until(() => !alive(grandchild), 5000, `grandchild ${grandchild} to die`);
  });

  it('what the program leaves running in its process group is killed when it exits', async () => {
    const started = Date.now();
    // The background sleep holds stdout open: the step would wait for it if it were left running.
    const result = (await run(`cmd-${randomUUID()}`, {
      argv: ['sh', '-c', 'sleep 30 & echo $!'],
    })) as CommandResult;
    const orphan = Number(result.stdout.trim());
    leftovers.push(orphan);
    assert.equal(result.exitCode, 0);
    assert.ok(orphan > 0);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    await until(() => !alive(orphan), 5000, `orphan ${orphan} to die`);
  });

  it('without --allow-command nothing runs: a non-retryable CommandNotAllowed', async () => {
    const marker = join(dir, `ran-${randomUUID()}`);
    for (const off of [{ dataDir: '/nonexistent' }, { dataDir: '/nonexistent', allowCommand: false }]) {
      const refused = stepActivity(commandJobType, 'run', off);
      const failure = await failureOf(
        runStep(attemptEnv(`cmd-${randomUUID()}`), refused, 'j', { argv: ['touch', marker] }),
      );
      assert.equal(failure.type, 'CommandNotAllowed');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /start the worker with --allow-command/);
    }
    await assert.rejects(readFile(marker), { code: 'ENOENT' });
  });

  it('a missing program, a missing cwd or an unset variable is a non-retryable failure naming it', async () => {
    const notFound = await failureOf(
      run(`cmd-${randomUUID()}`, { argv: ['no-such-program-durable-cron', '--x'] }),
    );
    assert.equal(notFound.type, 'CommandNotFound');
    assert.equal(notFound.nonRetryable, true);
    assert.match(notFound.message, /^program 'no-such-program-durable-cron' was not found/);

    const noCwd = await failureOf(run(`cmd-${randomUUID()}`, { argv: ['true'], cwd: join(dir, 'missing') }));
    assert.equal(noCwd.type, 'CommandCwdNotFound');
    assert.equal(noCwd.nonRetryable, true);

    const unset = await failureOf(run(`cmd-${randomUUID()}`, { argv: ['true'], env: ['DB_PASSWORD'] }));
    assert.equal(unset.type, 'EnvNotSet');
    assert.equal(unset.nonRetryable, true);
    assert.match(unset.message, /^env lists DB_PASSWORD, which is not set in the worker's environment/);
  });
});
