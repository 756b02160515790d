/**
 * Payload encryption end to end: `apply` with DURABLE_CRON_CODEC_KEYS stores the schedule's job
 * input encrypted, the CLI worker pool (keys passed to its processes) runs a fire, and neither the
 * raw history nor the raw schedule, read with a client that has no codec, contains the input's
 * marker or the result's. `runs show` with the keys shows both decoded; without keys it says the
 * payload is encrypted; after a rotation (keys `b,a`) the run encrypted under `a` still shows, and
 * a second `apply` sees no change.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { temporal as proto } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../src/codec';
import { runCli } from '../helpers/cli';
import { startCliWorker, type CliWorker } from '../helpers/cli-worker';
import { startTestDatabase, type TestDatabase } from '../helpers/database';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const KEYS_A = `a:${keyA}`;
const KEYS_BA = `b:${keyB},a:${keyA}`;

function encodingOf(payload: proto.api.common.v1.IPayload | undefined): string {
  return Buffer.from(payload?.metadata?.encoding ?? '').toString();
}

describe('payload encryption: nothing readable in Temporal, everything readable with the keys', () => {
  let temporal: TestTemporal;
  let db: TestDatabase;
  let pool: CliWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-codec-'));
  const suffix = randomUUID().slice(0, 8);
  const jobId = `secret-job-${suffix}`;
  // The program prints its argument upper-cased: the result's marker is not in the input.
  const inputMarker = `plain-input-${suffix}`;
  const resultMarker = inputMarker.toUpperCase();
  let workflowId = '';
  let common: string[] = [];

  before(async () => {
    temporal = await startTestTemporal();
    db = await startTestDatabase();
    common = ['--address', temporal.config.address, '--task-queue', temporal.config.taskQueue];
    const node = JSON.stringify(process.execPath);
    writeFileSync(
      join(dir, 'jobs.yaml'),
      `version: 1
jobs:
  - id: ${jobId}
    type: command
    customer: acme
    env: test
    schedule: { cron: '0 0 1 1 *' }
    input: { argv: [${node}, -e, 'console.log(process.argv[1].toUpperCase())', ${inputMarker}] }
`,
    );
    const applied = await runCli(
      [...common, 'apply', '-f', 'jobs.yaml'],
      { DURABLE_CRON_CODEC_KEYS: KEYS_A },
      dir,
    );
    assert.equal(applied.code, 0, applied.stderr);
    pool = await startCliWorker(
      [...common, '--processes', '1', '--grace', '1s', '--allow-command', '--database-url', db.url],
      { cwd: dir, env: { DURABLE_CRON_CODEC_KEYS: KEYS_A } },
    );
    const triggered = await runCli(
      [...common, 'schedules', 'trigger', jobId, '--json'],
      { DURABLE_CRON_CODEC_KEYS: KEYS_A },
      dir,
    );
    assert.equal(triggered.code, 0, triggered.stderr);
    workflowId = (JSON.parse(triggered.stdout) as { workflowId?: string }).workflowId ?? '';
    assert.ok(workflowId.startsWith(jobId), triggered.stdout);
    await eventually(
      'the run to complete',
      async () => {
        const { workflowExecutionInfo } = await temporal.connection.workflowService.describeWorkflowExecution(
          {
            namespace: temporal.config.namespace,
            execution: { workflowId },
          },
        );
        const status = workflowExecutionInfo?.status;
        if (status === proto.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
          return true;
        if (status !== proto.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          throw new Error(`run ended with status ${status}: ${pool?.output() ?? ''}`);
        }
        return undefined;
      },
      60_000,
    );
  });

  after(async () => {
    await pool?.stop();
    await db?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the raw history (no codec) holds neither marker; input and result are binary/encrypted', async () => {
    const response = await temporal.connection.workflowService.getWorkflowExecutionHistory({
      namespace: temporal.config.namespace,
      execution: { workflowId },
    });
    const events = response.history?.events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
    assert.equal(
      encodingOf(started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]),
      ENCRYPTED_ENCODING,
    );
    assert.equal(
      encodingOf(completed?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0]),
      ENCRYPTED_ENCODING,
    );
    const activityResults = events.flatMap(
      (e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? [],
    );
    assert.ok(activityResults.length > 0, 'the step completed');
    assert.ok(activityResults.every((p) => encodingOf(p) === ENCRYPTED_ENCODING));
    const bytes = Buffer.from(
      proto.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(response).finish(),
    );
    const json = JSON.stringify(response);
    for (const marker of [inputMarker, resultMarker]) {
      assert.ok(!bytes.includes(marker), `${marker} is in the raw history bytes`);
      assert.ok(!json.includes(marker), `${marker} is in the raw history JSON`);
    }
  });

  it("the schedule's stored action (described without codec) holds no marker", async () => {
    const response = await temporal.connection.workflowService.describeSchedule({
      namespace: temporal.config.namespace,
      scheduleId: jobId,
    });
    const input = response.schedule?.action?.startWorkflow?.input?.payloads ?? [];
    assert.equal(input.length, 1);
    assert.equal(encodingOf(input[0]), ENCRYPTED_ENCODING);
    const bytes = Buffer.from(
      proto.api.workflowservice.v1.DescribeScheduleResponse.encode(response).finish(),
    );
    assert.ok(!bytes.includes(inputMarker));
    assert.ok(!JSON.stringify(response).includes(inputMarker));
  });

  it('runs show with the keys decodes input and result; its output holds no key', async () => {
    const shown = await runCli([...common, 'runs', 'show', workflowId, '--json'], {
      DURABLE_CRON_CODEC_KEYS: KEYS_A,
    });
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as {
      input: { input: { argv: string[] } };
      result: unknown;
      status: string;
    };
    assert.equal(run.status, 'completed');
    assert.equal(run.input.input.argv.at(-1), inputMarker);
    assert.match(JSON.stringify(run.result), new RegExp(resultMarker));
    assert.ok(!shown.stdout.includes(keyA) && !shown.stderr.includes(keyA));
    const text = await runCli([...common, 'runs', 'show', workflowId], { DURABLE_CRON_CODEC_KEYS: KEYS_A });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Input .*${inputMarker}`));
  });

  it('runs show without keys says the payloads are encrypted (and does not fail)', async () => {
    const shown = await runCli([...common, 'runs', 'show', workflowId, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as { input: unknown; result: unknown };
    assert.match(String(run.input), /^\(encrypted with codec key 'a'/);
    assert.match(String(run.result), /^\(encrypted with codec key 'a'/);
    assert.ok(!shown.stdout.includes(inputMarker));
  });

  it("rotation: with keys b,a the run encrypted under a still shows; with b alone it names key 'a'", async () => {
    const rotated = await runCli([...common, 'runs', 'show', workflowId, '--json'], {
      DURABLE_CRON_CODEC_KEYS: KEYS_BA,
    });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(
      (JSON.parse(rotated.stdout) as { input: { input: { argv: string[] } } }).input.input.argv.at(-1),
      inputMarker,
    );
    const onlyB = await runCli([...common, 'runs', 'show', workflowId, '--json'], {
      DURABLE_CRON_CODEC_KEYS: `b:${keyB}`,
    });
    assert.equal(onlyB.code, 0, onlyB.stderr);
    assert.match(String((JSON.parse(onlyB.stdout) as { input: unknown }).input), /codec key 'a'/);
  });

  it('apply after the rotation re-stores the schedule input under the new key, then sees no change', async () => {
    const env = { DURABLE_CRON_CODEC_KEYS: KEYS_BA };
    const rotated = await runCli([...common, 'apply', '-f', 'jobs.yaml', '--json'], env, dir);
    assert.equal(rotated.code, 0, rotated.stderr);
    const plan = (
      JSON.parse(rotated.stdout) as { plan: { jobId: string; action: string; fields?: string[] }[] }
    ).plan;
    assert.deepEqual(plan, [{ jobId, action: 'update', fields: ['action.encryptionKeyId'] }]);
    const response = await temporal.connection.workflowService.describeSchedule({
      namespace: temporal.config.namespace,
      scheduleId: jobId,
    });
    const stored = response.schedule?.action?.startWorkflow?.input?.payloads?.[0];
    assert.equal(encodingOf(stored), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(stored?.metadata?.['encryption-key-id'] ?? '').toString(), 'b');
    assert.ok(!JSON.stringify(response).includes(inputMarker));
    const again = await runCli([...common, 'apply', '-f', 'jobs.yaml', '--json'], env, dir);
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as { plan: unknown[]; unchanged: unknown };
    assert.deepEqual(result.plan, []);
    assert.deepEqual(result.unchanged, [jobId]);
  });

  it('schedules describe: decoded with the keys; without them one line saying the input is encrypted', async () => {
    const withKeys = await runCli([...common, 'schedules', 'describe', jobId, '--json'], {
      DURABLE_CRON_CODEC_KEYS: KEYS_BA,
    });
    assert.equal(withKeys.code, 0, withKeys.stderr);
    const without = await runCli([...common, 'schedules', 'describe', jobId]);
    assert.notEqual(without.code, 0);
    assert.match(without.stderr.trim(), /^error: .*encrypted.*DURABLE_CRON_CODEC_KEYS/);
    assert.equal(without.stderr.trim().split('\n').length, 1);
    // Since the rotation above, the schedule's input is under key 'b'.
    const wrongKey = await runCli([...common, 'schedules', 'describe', jobId], {
      DURABLE_CRON_CODEC_KEYS: KEYS_A,
    });
    assert.notEqual(wrongKey.code, 0);
    assert.match(wrongKey.stderr.trim(), /^error: .*key id 'b'/);
    assert.ok(!wrongKey.stderr.includes(keyA) && !wrongKey.stderr.includes(keyB));
  });

  it('bad keys stop a command with one line naming the variable, never the key', async () => {
    const short = randomBytes(8).toString('base64');
    const bad = await runCli([...common, 'runs', 'show', workflowId], {
      DURABLE_CRON_CODEC_KEYS: `a:${short}`,
    });
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr.trim(),
      "error: DURABLE_CRON_CODEC_KEYS entry 1 (key id 'a'): the key must be 32 bytes (got 8); make one with: openssl rand -base64 32",
    );
    assert.ok(!bad.stderr.includes(short));
  });
});
