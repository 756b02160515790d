/**
 * A workflow bundle built ahead of time, as the worker image does: `durable-cron bundle --out`, then
 * a CLI worker pool started with `--workflow-bundle` (it does not bundle) runs a shop job (its own
 * workflow, from the bundle) and a built-in command job (durable-cron's steps workflow) on a real
 * dev server and database. A missing, cut, corrupt or mismatched bundle stops the worker before it
 * starts, with one line naming the file.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadJobModules } from '../../src/job-types/modules';
import { parseJobsFile } from '../../src/jobs/load';
import { applyJobs } from '../../src/schedules/apply';
import { backfillFireTimes, fireWorkflowId } from '../../src/schedules/fire-runs';
import { runCli } from '../helpers/cli';
import { startCliWorker, type CliWorker } from '../helpers/cli-worker';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { SHOP_MODULE } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

describe('a prebuilt workflow bundle (bundle --out, worker --workflow-bundle)', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let pool: CliWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-bundle-'));
  const bundle = join(dir, 'out', 'workflow-bundle.js');
  const suffix = randomUUID().slice(0, 8);
  const fire = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);

  before(async () => {
    const built = await runCli(['bundle', '--out', bundle, '--jobs', SHOP_MODULE], {}, dir);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /own workflows: .*dailySummary/);

    temporal = await startTestTemporal();
    db = await startTestDatabase();
    const { registry } = loadJobModules([SHOP_MODULE]);
    const node = JSON.stringify(process.execPath);
    const file = parseJobsFile(
      `jobs:
  - { id: summary-${suffix}, type: daily-summary, customer: acme, env: test, schedule: { cron: '0 * * * *' },
      input: { title: bundled } }
  - { id: cmd-${suffix}, type: command, customer: ops, env: test, schedule: { cron: '0 * * * *' },
      input: { argv: [${node}, -e, 'console.log("from the bundle")'] } }
`,
      'bundle.yaml',
      registry,
    );
    await applyJobs(temporal.client, file, {
      taskQueue: temporal.config.taskQueue,
      project: `bundle-${suffix}`,
    });
    pool = await startCliWorker(
      [
        '--processes',
        '1',
        '--grace',
        '1s',
        '--address',
        temporal.config.address,
        '--task-queue',
        temporal.config.taskQueue,
        '--database-url',
        db.url,
        '--data-dir',
        join(dir, 'data'),
        '--jobs',
        SHOP_MODULE,
        '--allow-command',
        '--workflow-bundle',
        bundle,
      ],
      { cwd: dir },
    );
  });

  after(async () => {
    await pool?.stop();
    await db?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runOnce(jobId: string): Promise<unknown> {
    const handle = temporal.client.workflow.getHandle(fireWorkflowId(jobId, fire));
    await backfillFireTimes(temporal.client, jobId, [fire]);
    await eventually(`the run of ${jobId}`, () => handle.describe());
    return handle.result();
  }

  it('uses the file instead of bundling at start', () => {
    const output = pool?.output() ?? '';
    assert.ok(!output.includes('bundling workflows'), output);
    assert.ok(output.includes(bundle), 'the pool does not name the bundle it uses');
  });

  it("runs a shop job's own workflow from the bundle", async () => {
    const result = (await runOnce(`summary-${suffix}`)) as { fireTime: string; created: boolean };
    assert.equal(result.fireTime, fire.toISOString());
    assert.equal(result.created, true);
  });

  it("runs a built-in steps job on durable-cron's workflow from the bundle", async () => {
    const result = (await runOnce(`cmd-${suffix}`)) as {
      results: { run: { exitCode: number; stdout: string } };
    };
    assert.equal(result.results.run.exitCode, 0);
    assert.equal(result.results.run.stdout.trim(), 'from the bundle');
  });

  describe('a bad bundle stops the worker before it starts, naming the file', () => {
    const refused = async (path: string, env: Record<string, string> = {}) => {
      const flags = env.DURABLE_CRON_WORKFLOW_BUNDLE ? [] : ['--workflow-bundle', path];
      // An address nothing listens on: the check must come before any connection.
      const result = await runCli(
        ['worker', '--address', '127.0.0.1:1', '--jobs', SHOP_MODULE, ...flags],
        env,
        dir,
      );
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.ok(
        lines[0]?.includes(`--workflow-bundle / DURABLE_CRON_WORKFLOW_BUNDLE ${path}`),
        result.stderr,
      );
      return lines[0] ?? '';
    };

    it('a missing file', async () => {
      assert.match(await refused(join(dir, 'nope.js')), /no such file/);
      assert.match(
        await refused(join(dir, 'env-nope.js'), { DURABLE_CRON_WORKFLOW_BUNDLE: join(dir, 'env-nope.js') }),
        /no such file/,
      );
    });

    it('a file cut short, or not a bundle', async () => {
      const cut = join(dir, 'cut.js');
      writeFileSync(cut, readFileSync(bundle, 'utf8').slice(0, 100_000));
      assert.match(
        await refused(cut),
        /not a workflow bundle made by 'durable-cron bundle' \(or cut short\)/,
      );
      const cutInMap = join(dir, 'cut-in-map.js');
      const text = readFileSync(bundle, 'utf8');
      writeFileSync(cutInMap, text.slice(0, text.length - 1_000));
      assert.match(await refused(cutInMap), /corrupt/);
    });

    it('a corrupt file', async () => {
      const text = readFileSync(bundle, 'utf8');
      const corrupt = join(dir, 'corrupt.js');
      // A stray brace before the first statement: no longer a script, whatever follows.
      writeFileSync(corrupt, `})${text}`);
      assert.match(await refused(corrupt), /corrupt \(.+\); rebuild it with 'durable-cron bundle --out /);
    });

    it("a bundle whose step plans are not this worker's (or that carries none)", async () => {
      const text = readFileSync(bundle, 'utf8');
      const digest = /"plans":"([0-9a-f]+)"/.exec(text)?.[1];
      assert.ok(digest, 'the manifest names no plans digest');
      const other = join(dir, 'other-plans.js');
      writeFileSync(other, text.replace(`"plans":"${digest}"`, `"plans":"${'0'.repeat(digest.length)}"`));
      assert.match(await refused(other), /steps or policies differ from this worker's/);
      const older = join(dir, 'no-plans.js');
      writeFileSync(older, text.replace(`,"plans":"${digest}"`, ''));
      assert.match(await refused(older), /whose bundles carry no step plans; rebuild it with/);
    });

    it('a bundle built for other job types', async () => {
      const builtIns = join(dir, 'built-ins.js');
      const built = await runCli(['bundle', '--out', builtIns], {}, dir);
      assert.equal(built.code, 0, built.stderr);
      assert.match(await refused(builtIns), /lacks the workflow\(s\) billing, .*dailySummary/);
    });
  });
});
