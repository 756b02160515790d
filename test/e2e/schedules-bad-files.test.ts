/**
 * Bad jobs files through `durable-cron apply` against a real server: each is rejected with
 * `FILE:LINE path: message` naming the field and what is valid, exits non-zero, prints nothing
 * on stdout, and leaves the server exactly as it was: every schedule as describe() returns it,
 * the workflow count and the search attributes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { shopRegistry } from '../helpers/jobs';
import { namespaceState, type NamespaceState } from '../helpers/server-state';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'durable-cron-bad-'));
const id = `good-${randomUUID().slice(0, 8)}`;

// Line numbers below refer to this file. Paused, so no fire changes the workflow count mid-test.
const GOOD = `version: 1
defaults:
  timezone: UTC
calendars:
  holidays: [2026-12-25]
jobs:
  - id: ${id}
    type: daily-summary
    customer: acme
    env: prod
    schedule:
      cron: "0 2 * * *"
      skip: [holidays]
    paused: true
    input: {title: A}
`;

interface Case {
  readonly name: string;
  /** [from, to] replacements applied to GOOD. */
  readonly edit: readonly [string, string];
  /** The expected message after `FILE:`. */
  readonly error: RegExp;
}

const cases: Case[] = [
  {
    name: 'cron minute out of range',
    edit: ['"0 2 * * *"', '"61 2 * * *"'],
    error: /^12 jobs\[0\]\.schedule\.cron: '61 2 \* \* \*': minute 61 is out of range 0-59$/,
  },
  {
    name: 'cron seconds out of range',
    edit: ['"0 2 * * *"', '"75 0 2 * * *"'],
    error: /^12 jobs\[0\]\.schedule\.cron: '75 0 2 \* \* \*': second 75 is out of range 0-59$/,
  },
  {
    name: 'empty cron list',
    edit: ['"0 2 * * *"', '[]'],
    error: /^12 jobs\[0\]\.schedule\.cron: needs at least one cron string$/,
  },
  {
    name: 'interval that is not a duration',
    edit: ['cron: "0 2 * * *"', 'every: 5 minutes'],
    error:
      /^12 jobs\[0\]\.schedule\.every: '5 minutes' is not a duration: an integer with a unit ms, s, m, h or d/,
  },
  {
    name: 'both cron and every',
    edit: ['      skip:', '      every: 1h\n      skip:'],
    error: /^11 jobs\[0\]\.schedule: has both cron and every; use one$/,
  },
  {
    name: 'neither cron nor every',
    edit: ['      cron: "0 2 * * *"\n', ''],
    error: /^11 jobs\[0\]\.schedule: needs either cron or every$/,
  },
  {
    name: 'offset without every',
    edit: ['      skip:', '      offset: 5m\n      skip:'],
    error: /^13 jobs\[0\]\.schedule\.offset: offset applies only with every$/,
  },
  {
    name: 'unknown timezone',
    edit: ['      skip:', '      timezone: Mars/Base\n      skip:'],
    error: /^13 jobs\[0\]\.schedule\.timezone: unknown timezone 'Mars\/Base' \(use an IANA name such as UTC/,
  },
  {
    name: 'unknown key at the top level, with the valid keys',
    edit: ['version: 1\n', 'version: 1\nvresion: 2\n'],
    error: /^2 vresion: unknown key 'vresion' \(valid keys: version, project, defaults, calendars, jobs\)$/,
  },
  {
    name: 'unknown key in a job, with the valid keys',
    edit: ['    env: prod\n', '    env: prod\n    enviroment: prod\n'],
    error: /^11 jobs\[0\]\.enviroment: unknown key 'enviroment' \(valid keys: id, type, customer, env, /,
  },
  {
    name: 'unknown key in a schedule',
    edit: ['      skip:', '      tz: UTC\n      skip:'],
    error:
      /^13 jobs\[0\]\.schedule\.tz: unknown key 'tz' \(valid keys: cron, every, offset, timezone, skip, jitter, startAt, endAt\)$/,
  },
  {
    name: 'unknown job type',
    edit: ['type: daily-summary', 'type: weekly-report'],
    error: new RegExp(
      `^8 jobs\\[0\\]\\.type: unknown job type 'weekly-report' \\(known: ${shopRegistry().names().join(', ')}\\); ` +
        'a job type of your own loads with --jobs <module or folder>$',
    ),
  },
  {
    name: "input failing the job type's schema",
    edit: ['input: {title: A}', 'input: {title: ""}'],
    error: /^15 jobs\[0\]\.input\.title: Too small/,
  },
  {
    name: 'duplicate id',
    edit: [
      '    input: {title: A}\n',
      `    input: {title: A}\n  - {id: ${id}, type: daily-summary, customer: c, env: e, schedule: {every: 1h}}\n`,
    ],
    error: new RegExp(`^16 jobs\\[1\\]\\.id: duplicate id '${id}' \\(also jobs\\[0\\]\\)$`),
  },
  {
    name: 'invalid job id',
    edit: [`id: ${id}`, 'id: Bad_Id'],
    error: /^7 jobs\[0\]\.id: must match \[a-z0-9\]\[a-z0-9-\]\{0,62\}/,
  },
  {
    name: 'unknown skip calendar',
    edit: ['skip: [holidays]', 'skip: [holydays]'],
    error: /^13 jobs\[0\]\.schedule\.skip\[0\]: unknown calendar 'holydays' \(known: weekends, holidays\)$/,
  },
  {
    name: 'endAt before startAt',
    edit: [
      '      skip: [holidays]\n',
      '      skip: [holidays]\n      startAt: 2027-01-01T00:00:00Z\n      endAt: 2026-01-01T00:00:00Z\n',
    ],
    error:
      /^15 jobs\[0\]\.schedule\.endAt: endAt 2026-01-01T00:00:00Z is before startAt 2027-01-01T00:00:00Z$/,
  },
  {
    name: 'startAt that is not a time',
    edit: ['      skip: [holidays]\n', '      skip: [holidays]\n      startAt: tomorrow\n'],
    error: /^14 jobs\[0\]\.schedule\.startAt: 'tomorrow' is not an RFC 3339 time with a zone/,
  },
  {
    name: 'unknown overlap policy, with the valid ones',
    edit: ['    env: prod\n', '    env: prod\n    overlap: queue\n'],
    error:
      /^11 jobs\[0\]\.overlap: unknown overlap policy "queue" \(valid: skip, buffer-one, buffer-all, cancel-other, terminate-other, allow-all\)$/,
  },
  {
    name: 'catch-up window below the minimum',
    edit: ['  timezone: UTC\n', '  timezone: UTC\n  catchupWindow: 5s\n'],
    error: /^4 defaults\.catchupWindow: '5s' is below the minimum 10s$/,
  },
  {
    name: 'jitter that is not a duration',
    edit: ['  timezone: UTC\n', '  timezone: UTC\n  jitter: soon\n'],
    error: /^4 defaults\.jitter: 'soon' is not a duration/,
  },
  {
    name: 'pauseOnFailure that is not a boolean',
    edit: ['    env: prod\n', '    env: prod\n    pauseOnFailure: maybe\n'],
    error: /^11 jobs\[0\]\.pauseOnFailure: must be true or false$/,
  },
  {
    name: 'paused that is not a boolean',
    edit: ['paused: true', 'paused: "no"'],
    error: /^14 jobs\[0\]\.paused: must be true or false$/,
  },
  {
    name: 'calendar date that does not exist',
    edit: ['[2026-12-25]', '[2026-02-30]'],
    error:
      /^5 calendars\.holidays\[0\]: skip date from "2026-02-30" is not a valid date \(expected YYYY-MM-DD\)$/,
  },
  {
    name: 'calendar range that ends before it starts',
    edit: ['[2026-12-25]', '[{from: 2026-12-31, to: 2026-12-24}]'],
    error: /^5 calendars\.holidays\[0\]: skip dates 2026-12-31 to 2026-12-24: the end is before the start$/,
  },
  {
    name: "a calendar named like the built-in 'weekends'",
    edit: ['  holidays: [2026-12-25]\n', '  holidays: [2026-12-25]\n  weekends: [2026-12-26]\n'],
    error: /^6 calendars\.weekends: 'weekends' is built in; choose another name$/,
  },
  {
    name: 'unsupported version',
    edit: ['version: 1', 'version: 2'],
    error: /^1 version: must be 1$/,
  },
  {
    name: 'project name outside the pattern',
    edit: ['version: 1\n', 'version: 1\nproject: Billing_Service\n'],
    error:
      /^2 project: must match \[a-z0-9\]\[a-z0-9-\]\{0,62\} \(lowercase letters, digits, dashes; 1-63 characters\)$/,
  },
  {
    name: 'empty customer',
    edit: ['customer: acme', 'customer: ""'],
    error: /^9 jobs\[0\]\.customer: must not be empty$/,
  },
  {
    name: 'YAML syntax error',
    edit: ['input: {title: A}', 'input: {title: A'],
    error: /^\d+: invalid YAML: /,
  },
];

describe('apply rejects bad jobs files and changes nothing', () => {
  let temporal: TestTemporal;
  let snapshot: NamespaceState;
  const serverState = () => namespaceState(temporal.client);

  before(async () => {
    temporal = await startTestTemporal();
    const good = join(dir, 'good.yaml');
    writeFileSync(good, GOOD);
    const applied = await runCli(['apply', '-f', good, '--address', temporal.config.address]);
    assert.equal(applied.code, 0, applied.stderr);
    snapshot = await serverState();
    assert.deepEqual(
      snapshot.schedules.map((x) => x.id),
      [id],
    );
  });
  after(async () => {
    await temporal?.stop();
  });

  it(`has at least 20 cases (${cases.length})`, () => {
    assert.ok(cases.length >= 20);
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const [from, to] = c.edit;
      assert.ok(GOOD.includes(from), `edit target '${from}' is in the good file`);
      const file = join(dir, `bad-${i}.yaml`);
      writeFileSync(file, GOOD.replace(from, to));
      const r = await runCli(['apply', '-f', file, '--address', temporal.config.address]);
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      const prefix = `error: ${file}:`;
      assert.ok(lines[0]?.startsWith(prefix), r.stderr);
      assert.match(lines[0]?.slice(prefix.length) ?? '', c.error);
      assert.deepEqual(await serverState(), snapshot, 'the server is unchanged');
    });
  });
});
