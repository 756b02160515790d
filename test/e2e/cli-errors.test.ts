/**
 * Bad input gives a one-line error naming the problem, a non-zero exit, and changes nothing on
 * the server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../src/dev-server/dev-server';
import { runCli } from '../helpers/cli';
import { namespaceState } from '../helpers/server-state';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'durable-cron-cli-'));
function jobsFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('CLI bad input', () => {
  let temporal: TestTemporal;

  before(async () => {
    temporal = await startTestTemporal();
  });
  after(async () => {
    await temporal?.stop();
  });

  const cases: { name: string; args: (address: string) => string[]; error: RegExp }[] = [
    {
      name: 'unknown flag',
      args: (a) => ['apply', '-f', 'x.yaml', '--address', a, '--bogus'],
      error: /^error: unknown option '--bogus'$/m,
    },
    {
      name: 'missing jobs file',
      args: (a) => ['apply', '-f', join(dir, 'missing.yaml'), '--address', a],
      error: /missing\.yaml: file not found$/m,
    },
    {
      name: 'invalid YAML',
      args: (a) => ['apply', '-f', jobsFile('bad.yaml', 'jobs:\n  - id: a\n    type: [\n'), '--address', a],
      error: /bad\.yaml:\d+: invalid YAML: /,
    },
    {
      name: 'invalid cron string',
      args: (a) => [
        'apply',
        '-f',
        jobsFile(
          'cron.yaml',
          'jobs:\n  - {id: ok-job, type: daily-summary, customer: c, env: e, schedule: {cron: "0 * * * *"}}\n' +
            '  - {id: bad-cron, type: daily-summary, customer: c, env: e, schedule: {cron: "0 25 * * *"}}\n',
        ),
        '--address',
        a,
      ],
      error: /cron\.yaml:3 jobs\[1\]\.schedule\.cron: '0 25 \* \* \*': hour 25 is out of range 0-23/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: one-line error, non-zero exit, nothing changed`, async () => {
      const before = await namespaceState(temporal.client);
      const result = await runCli(c.args(temporal.config.address));
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, c.error);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
      const after = await namespaceState(temporal.client);
      assert.deepEqual(after, before);
      assert.deepEqual(after.schedules, []);
    });
  }

  it('an unreachable server: one line naming the address, exit 1, within 10 s', async () => {
    const port = await freePort();
    const file = jobsFile(
      'ok.yaml',
      'jobs:\n  - {id: ok, type: daily-summary, customer: c, env: e, schedule: {every: 1h}}\n',
    );
    const before = await namespaceState(temporal.client);
    const result = await runCli(['apply', '-f', file, '--address', `127.0.0.1:${port}`]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr.trim(),
      new RegExp(`^error: cannot reach Temporal at 127\\.0\\.0\\.1:${port}: `),
    );
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
    assert.deepEqual(await namespaceState(temporal.client), before);
  });

  it('--help works for every command', async () => {
    for (const command of ['dev', 'setup', 'validate', 'apply', 'worker', 'start']) {
      const result = await runCli([command, '--help']);
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`Usage: durable-cron ${command}`));
    }
  });
});
