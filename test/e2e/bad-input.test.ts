/**
 * Bad input to durable-cron, one row per input (the table is the Bad input section of
 * docs/reliability.md): each command
 * exits non-zero with one line on stderr naming the field or flag and what is valid, and changes
 * nothing: the namespace's schedules (as describe() returns them), its workflow count and its
 * search attributes, and for commands that use the database the row count of every table, are
 * the same before and after. One dev server for the whole file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal as proto } from '@temporalio/proto';
import { freePort } from '../../src/dev-server/dev-server';
import { CUSTOM_SEARCH_ATTRIBUTES, CUSTOMER, ENV, SCHEDULE_SYNC } from '../../src/search-attributes';
import { CLI, runCli, type CliResult } from '../helpers/cli';
import { DEFAULT_TEST_DATABASE_URL, startTestDatabase, type TestDatabase } from '../helpers/database';
import { namespaceState, tableCounts } from '../helpers/server-state';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'durable-cron-bad-input-'));
const s = randomUUID().slice(0, 8);
const SEED_A = `seed-a-${s}`;
const SEED_B = `seed-b-${s}`;
const MISSING = `nope-${s}`;
const ALL_ATTRIBUTES = CUSTOM_SEARCH_ATTRIBUTES.map((k) => `'${k.name}'`).join(', ');

/** Writes a file in the test directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A valid one-job file; `extra` lines follow its schedule (line 9 on). */
function jobs(name: string, extra = ''): string {
  return file(
    name,
    `jobs:\n  - id: ${name.replace(/\W/g, '-').toLowerCase()}-${s}\n    type: daily-summary\n` +
      `    customer: acme\n    env: prod\n    paused: true\n    schedule:\n      every: 1h\n${extra}`,
  );
}

/** `n` valid paused jobs named `<prefix>-<i>`, each with `input.title` = `title`. */
function manyJobs(prefix: string, n: number, title: string): string {
  const lines = ['jobs:'];
  for (let i = 0; i < n; i += 1) {
    lines.push(
      `  - {id: ${prefix}-${i}, type: daily-summary, customer: acme, env: prod, paused: true, ` +
        `schedule: {cron: "0 3 * * *"}, input: {title: ${title}}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Context {
  readonly address: string;
  readonly closed: string;
  /** Namespaces created for this file: without any search attribute, and without scheduleSync. */
  readonly bare: string;
  readonly partial: string;
  /** The migrated test schema, and an empty one (never migrated). */
  readonly dbUrl: string;
  readonly emptyDbUrl: string;
}

interface Row {
  readonly name: string;
  readonly args: (c: Context) => string[];
  /** The message after `error: `; the whole line must match. */
  readonly error: (c: Context) => RegExp;
  /** Exact exit code; otherwise any non-zero. */
  readonly code?: number;
  /** The namespace to compare, besides the seeded default one. */
  readonly namespace?: 'bare' | 'partial';
  /** Also compare the row counts of the database's tables (`empty`: the never-migrated schema). */
  readonly db?: 'migrated' | 'empty';
  /** Working directory of the CLI. @default this process's (the repository, with its project config) */
  readonly cwd?: string;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const re = (text: string) => new RegExp(`^${esc(text)}$`);
const fixed = (text: string) => () => re(text);

let temporal: TestTemporal;
let database: TestDatabase;
let emptySchema: string;
let ctx: Context;
const clients: Record<string, Client> = {};

before(async () => {
  temporal = await startTestTemporal();
  database = await startTestDatabase();
  emptySchema = `${database.schema}_empty`;
  await database.pool.query(`CREATE SCHEMA ${emptySchema}`);
  const base = process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const withPath = (schema: string) =>
    `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  ctx = {
    address: temporal.config.address,
    closed: `127.0.0.1:${await freePort()}`,
    bare: `bare-${s}`,
    partial: `partial-${s}`,
    dbUrl: database.url,
    emptyDbUrl: withPath(emptySchema),
  };

  // Seed: two paused schedules and one open run of customer acme (no worker: it stays open).
  const seed = file(
    'seed.yaml',
    `jobs:\n  - {id: ${SEED_A}, type: daily-summary, customer: acme, env: prod, paused: true, schedule: {cron: "0 2 * * *"}}\n` +
      `  - {id: ${SEED_B}, type: billing, customer: globex, env: prod, paused: true, schedule: {every: 1h}}\n`,
  );
  const applied = await runCli(['apply', '-f', seed, '--address', ctx.address]);
  assert.equal(applied.code, 0, applied.stderr);
  await temporal.client.workflow.start('dailySummary', {
    workflowId: `seed-run-${s}`,
    taskQueue: `nobody-polls-${s}`,
    args: [{}],
    typedSearchAttributes: [
      { key: CUSTOMER, value: 'acme' },
      { key: ENV, value: 'prod' },
    ],
  });
  await eventually('the seed run is visible', async () =>
    (await temporal.client.workflow.count("customer = 'acme'")).count === 1 ? true : undefined,
  );

  // Namespaces where `durable-cron setup` never ran: one bare, one lacking only scheduleSync.
  const KEYWORD = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  for (const namespace of [ctx.bare, ctx.partial]) {
    await temporal.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }
  await temporal.connection.operatorService.addSearchAttributes({
    namespace: ctx.partial,
    searchAttributes: Object.fromEntries(
      CUSTOM_SEARCH_ATTRIBUTES.filter((k) => k.name !== SCHEDULE_SYNC.name).map((k) => [k.name, KEYWORD]),
    ),
  });
  clients.default = temporal.client;
  for (const [key, namespace] of [
    ['bare', ctx.bare],
    ['partial', ctx.partial],
  ] as const) {
    const client = new Client({ connection: temporal.connection, namespace });
    clients[key] = client;
    await eventually(`namespace ${namespace} answers`, async () => {
      await client.workflow.count(key === 'partial' ? "customer = 'x'" : undefined);
      return true;
    });
  }
});

after(async () => {
  await database?.pool.query(`DROP SCHEMA IF EXISTS ${emptySchema} CASCADE`);
  await database?.close();
  await temporal?.stop();
});

/** Asserts one error line matching `error` and the exit code. */
function assertRejected(r: CliResult, error: RegExp, code?: number): void {
  const detail = `exit ${r.code}; stderr: ${r.stderr}; stdout: ${r.stdout}`;
  if (code === undefined) assert.notEqual(r.code, 0, detail);
  else assert.equal(r.code, code, detail);
  assert.equal(r.stdout, '', detail);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, detail);
  assert.ok(lines[0]?.startsWith('error: '), detail);
  assert.match(lines[0]?.slice('error: '.length) ?? '', error);
}

/** Runs `args`, asserts the rejection, and that the compared state is the same before and after. */
async function checkRow(row: Row): Promise<CliResult> {
  const namespaces = ['default', ...(row.namespace ? [row.namespace] : [])];
  const states = async () => Promise.all(namespaces.map((n) => namespaceState(clients[n] as Client)));
  const schema = row.db === 'empty' ? emptySchema : database.schema;
  const counts = async () => (row.db ? tableCounts(database.pool, schema) : undefined);
  const [before, dbBefore] = [await states(), await counts()];
  const r = await runCli(row.args(ctx), {}, row.cwd);
  assertRejected(r, row.error(ctx), row.code);
  assert.deepEqual(await states(), before, 'Temporal is unchanged');
  assert.deepEqual(await counts(), dbBefore, 'the database is unchanged');
  return r;
}

function rows(title: string, table: readonly Row[]): void {
  describe(title, () => {
    for (const row of table) it(row.name, async () => void (await checkRow(row)));
  });
}

const A = (c: Context) => ['--address', c.address];
const JOB_FORMS = '(valid keys: id, type, customer, env, description, schedule, overlap, ';

rows('jobs files', [
  {
    name: 'startAt on a day that does not exist',
    args: (c) => ['apply', '-f', jobs('start-feb30.yaml', '      startAt: 2026-02-30T00:00:00Z\n'), ...A(c)],
    error: () =>
      /start-feb30\.yaml:9 jobs\[0\]\.schedule\.startAt: '2026-02-30T00:00:00Z' is not a real time: February 2026 has 28 days$/,
  },
  {
    name: 'endAt at hour 24',
    args: (c) => ['apply', '-f', jobs('end-h24.yaml', '      endAt: 2027-01-01T24:00:00Z\n'), ...A(c)],
    error: () =>
      /end-h24\.yaml:9 jobs\[0\]\.schedule\.endAt: '2027-01-01T24:00:00Z' is not a real time: hour 24 is out of range 00-23$/,
  },
  {
    name: 'interval too large to represent',
    args: (c) => [
      'apply',
      '-f',
      file(
        'huge-every.yaml',
        'jobs:\n  - {id: huge, type: daily-summary, customer: c, env: e, schedule: {every: 99999999999999999999d}}\n',
      ),
      ...A(c),
    ],
    error: () =>
      /huge-every\.yaml:2 jobs\[0\]\.schedule\.every: '99999999999999999999d' is above the maximum 36500d \(100 years\)$/,
  },
  {
    name: 'offset not less than the interval',
    args: (c) => ['apply', '-f', jobs('offset.yaml', '      offset: 2h\n'), ...A(c)],
    error: () => /offset\.yaml:9 jobs\[0\]\.schedule\.offset: offset 2h must be less than every 1h$/,
  },
  {
    name: 'step timeout of zero',
    args: (c) => [
      'apply',
      '-f',
      jobs('step-zero.yaml', '    steps: {summarizeDay: {timeout: 0s}}\n'),
      ...A(c),
    ],
    error: () => /step-zero\.yaml:9 jobs\[0\]\.steps\.summarizeDay\.timeout: '0s' is below the minimum 1ms$/,
  },
  {
    name: 'override of a step the job type does not have',
    args: (c) => [
      'apply',
      '-f',
      jobs('step-name.yaml', '    steps: {sumarizeDay: {timeout: 5s}}\n'),
      ...A(c),
    ],
    error: () =>
      /step-name\.yaml:9 jobs\[0\]\.steps\.sumarizeDay: job type 'daily-summary' has no step 'sumarizeDay' \(steps: summarizeDay, publishSummary\)$/,
  },
  {
    name: "unknown key in a job type's input, with the valid keys",
    args: (c) => ['apply', '-f', jobs('input-key.yaml', '    input: {titel: A}\n'), ...A(c)],
    error: () => /input-key\.yaml:9 jobs\[0\]\.input: unknown key 'titel' \(valid keys: title\)$/,
  },
  {
    name: 'unknown key in a job, with the valid keys',
    args: (c) => ['apply', '-f', jobs('job-key.yaml', '    retries: 3\n'), ...A(c)],
    error: () =>
      new RegExp(`job-key\\.yaml:9 jobs\\[0\\]\\.retries: unknown key 'retries' ${esc(JOB_FORMS)}`),
  },
  {
    name: 'input larger than the limit names the job and the limit',
    args: (c) => [
      'apply',
      '-f',
      jobs('big-input.yaml', `    input: {title: "${'x'.repeat(300 * 1024)}"}\n`),
      ...A(c),
    ],
    error: () =>
      new RegExp(
        `big-input\\.yaml:9 jobs\\[0\\]\\.input: job 'big-input-yaml-${s}': input is 300 KiB as JSON; ` +
          `the limit is 256 KiB \\(Temporal rejects payloads over 2 MiB\\): keep large data elsewhere and pass a reference$`,
      ),
  },
  {
    name: 'description longer than 4096 characters',
    args: (c) => ['apply', '-f', jobs('long-desc.yaml', `    description: ${'d'.repeat(5000)}\n`), ...A(c)],
    error: () => /long-desc\.yaml:9 jobs\[0\]\.description: must be at most 4096 characters$/,
  },
  {
    name: 'jobs file larger than 16 MiB',
    args: (c) => ['apply', '-f', jobs('huge-file.yaml', `# ${'x'.repeat(17 * 1024 * 1024)}\n`), ...A(c)],
    error: () =>
      /huge-file\.yaml: the file is 17 MiB; the limit is 16 MiB \(split it, or move large inputs out of it\)$/,
  },
  {
    name: 'input that refers to itself through a YAML alias',
    args: (c) => ['apply', '-f', jobs('alias-cycle.yaml', '    input: &a {title: *a}\n'), ...A(c)],
    error: () => /alias-cycle\.yaml:9 jobs\[0\]\.input: refers to itself through a YAML alias$/,
  },
  {
    name: 'aliases that expand without bound ("billion laughs")',
    args: (c) => {
      const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 10; i += 1)
        lines.push(
          `l${i}: &l${i} [${Array(10)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
        );
      return ['apply', '-f', file('laughs.yaml', `${lines.join('\n')}\njobs: []\n`), ...A(c)];
    },
    error: () => /laughs\.yaml: invalid YAML: Excessive alias count indicates a resource exhaustion attack$/,
  },
  {
    name: 'empty jobs file',
    args: (c) => ['apply', '-f', file('empty.yaml', ''), ...A(c)],
    error: () => /empty\.yaml:1: the file is empty; expected 'jobs:'$/,
  },
  {
    name: 'a directory instead of a jobs file',
    args: (c) => {
      mkdirSync(join(dir, 'a-dir.yaml'), { recursive: true });
      return ['apply', '-f', join(dir, 'a-dir.yaml'), ...A(c)];
    },
    error: () => /a-dir\.yaml: is a directory$/,
  },
  {
    name: '300 valid jobs and one bad one at the end: nothing is created',
    args: (c) => [
      'apply',
      '-f',
      file(
        'many-then-bad.yaml',
        `${manyJobs(`many-${s}`, 300, 'A')}  - {id: last-${s}, type: daily-summary, customer: c, env: e, schedule: {cron: "0 2 * * 8"}}\n`,
      ),
      ...A(c),
    ],
    error: () =>
      new RegExp(
        `many-then-bad\\.yaml:302 jobs\\[300\\]\\.schedule\\.cron: '0 2 \\* \\* 8': day-of-week 8 is out of range 0-7$`,
      ),
  },
]);

rows('CLI flags', [
  {
    name: '--concurrency that is not an integer',
    args: (c) => ['apply', '-f', jobs('conc.yaml'), '--concurrency', 'abc', ...A(c)],
    error: fixed("--concurrency 'abc' must be an integer from 1 to 64"),
    code: 2,
  },
  {
    name: '--concurrency out of range',
    args: (c) => ['apply', '-f', jobs('conc65.yaml'), '--concurrency', '65', ...A(c)],
    error: fixed("--concurrency '65' must be an integer from 1 to 64"),
    code: 2,
  },
  {
    name: 'unknown flag',
    args: (c) => ['apply', '-f', jobs('flag.yaml'), '--prun', ...A(c)],
    error: fixed("unknown option '--prun' (Did you mean --prune?)"),
  },
  {
    name: 'unknown command, with a suggestion',
    args: (c) => ['aply', '-f', jobs('cmd.yaml'), ...A(c)],
    error: fixed("unknown command 'aply' (Did you mean apply?)"),
  },
  {
    name: 'no --file and no project config naming one',
    args: (c) => ['apply', ...A(c)],
    cwd: dir,
    error: fixed(
      `no jobs file: pass -f <file>, or set "file" in durable-cron.config.json (run 'durable-cron init' to make one)`,
    ),
  },
  {
    name: 'missing required --to of backfill',
    args: (c) => ['schedules', 'backfill', SEED_A, '--from', '2026-01-01T00:00:00Z', ...A(c)],
    error: fixed("required option '--to <time>' not specified"),
  },
  {
    name: '--address without a port',
    args: () => ['apply', '-f', jobs('addr.yaml'), '--address', 'localhost'],
    error: fixed("--address 'localhost' is not host:port (e.g. localhost:7233)"),
    code: 2,
  },
  {
    name: '--address with a port out of range',
    args: () => ['schedules', 'list', '--address', '127.0.0.1:99999'],
    error: fixed("--address '127.0.0.1:99999': port must be 1-65535"),
    code: 2,
  },
  {
    name: '--run-id that is not a run id',
    args: (c) => ['runs', 'show', `seed-run-${s}`, '--run-id', 'latest', ...A(c)],
    error: fixed("--run-id 'latest' is not a run id: a UUID such as 0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
    code: 2,
  },
  {
    name: 'worker --processes 0',
    args: (c) => ['worker', '--processes', '0', '--database-url', c.dbUrl, ...A(c)],
    error: fixed("--processes '0' must be an integer from 1 to 256"),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'worker --max-activities that is not an integer',
    args: (c) => ['worker', '--max-activities', 'ten', '--database-url', c.dbUrl, ...A(c)],
    error: fixed("--max-activities 'ten' must be an integer from 1 to 100000"),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'worker --log-format not one of the formats',
    args: (c) => ['worker', '--log-format', 'xml', '--database-url', c.dbUrl, ...A(c)],
    error: fixed("--log-format 'xml' is not one of text, json"),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'worker --log-level not one of the levels',
    args: (c) => ['worker', '--log-level', 'loud', '--database-url', c.dbUrl, ...A(c)],
    error: fixed("--log-level 'loud' is not one of trace, debug, info, warn, error"),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'worker --metrics-port out of range',
    args: (c) => ['worker', '--metrics-port', '70000', '--database-url', c.dbUrl, ...A(c)],
    error: fixed("--metrics-port '70000' must be an integer from 0 to 65535"),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'setup --database-url that is not PostgreSQL',
    args: (c) => ['setup', '--database-url', 'mysql://root@127.0.0.1/test', ...A(c)],
    error: fixed('--database-url / DATABASE_URL must start with postgres:// or postgresql://'),
    code: 2,
    db: 'empty',
  },
  {
    name: 'runs list --json with --csv',
    args: (c) => ['runs', 'list', '--json', '--csv', ...A(c)],
    error: fixed('--json and --csv cannot be combined'),
    code: 2,
  },
  {
    name: 'runs list --limit 0',
    args: (c) => ['runs', 'list', '--limit', '0', ...A(c)],
    error: fixed("--limit '0' must be a positive integer (or use --all)"),
    code: 2,
  },
]);

const STATUSES = 'running, completed, failed, canceled, terminated, timed-out, compensated';
const TIME_FORMS =
  'is neither an RFC 3339 time (e.g. 2026-11-20T00:00:00Z) nor a relative time (an integer with a unit ms, s, m, h or d, e.g. 30s, 10m, 1h30m, meaning that long ago)';
const QUERY_HINT =
  'the filter must be one complete expression (it is ANDed with the other filters), e.g. "WorkflowType = \'dailySummary\'"';

rows('run filters', [
  {
    name: '--status bogus',
    args: (c) => ['runs', 'list', '--status', 'bogus', ...A(c)],
    error: fixed(`--status 'bogus' is not one of ${STATUSES}`),
    code: 2,
  },
  {
    name: '--status with one bad entry in a list',
    args: (c) => ['runs', 'list', '--status', 'failed,exploded', ...A(c)],
    error: fixed(`--status 'exploded' is not one of ${STATUSES}`),
    code: 2,
  },
  {
    name: '--customer empty',
    args: (c) => ['runs', 'list', '--customer', ' ', ...A(c)],
    error: fixed('--customer must not be empty'),
    code: 2,
  },
  {
    name: '--since yesterday',
    args: (c) => ['runs', 'list', '--since', 'yesterday', ...A(c)],
    error: fixed(`--since 'yesterday' ${TIME_FORMS}`),
    code: 2,
  },
  {
    name: '--since a relative time beyond 100 years',
    args: (c) => ['runs', 'list', '--since', '99999999999d', ...A(c)],
    error: fixed("--since '99999999999d' reaches back more than 36500d (100 years)"),
    code: 2,
  },
  {
    name: '--fired-from after --fired-to',
    args: (c) => ['runs', 'list', '--fired-from', '1h', '--fired-to', '2h', ...A(c)],
    error: fixed('--fired-from must not be after --fired-to'),
    code: 2,
  },
  {
    name: '--query that closes the parentheses around it (injection)',
    args: (c) => [
      'runs',
      'list',
      '--customer',
      'nobody',
      '--query',
      "WorkflowId != '') OR (WorkflowId != ''",
      ...A(c),
    ],
    error: fixed(`--query has a ')' without a matching '(' at character 17: ${QUERY_HINT}`),
    code: 2,
  },
  {
    name: '--query with an unclosed quote',
    args: (c) => ['runs', 'list', '--query', "WorkflowId = 'x", ...A(c)],
    error: fixed(`--query has an unclosed ' quote at character 14: ${QUERY_HINT}`),
    code: 2,
  },
  {
    name: '--query naming an attribute the server does not know',
    args: (c) => ['runs', 'list', '--query', "colour = 'red'", ...A(c)],
    error: fixed(
      "Failed to list workflows: invalid query: invalid expression: column name 'colour' is not a valid search attribute",
    ),
    code: 1,
  },
]);

rows('dates', [
  {
    name: 'runs list --since a day that does not exist',
    args: (c) => ['runs', 'list', '--since', '2026-02-30', ...A(c)],
    error: fixed("--since '2026-02-30' is not a real time: February 2026 has 28 days"),
    code: 2,
  },
  {
    name: 'runs list --until at hour 24',
    args: (c) => ['runs', 'list', '--until', '2026-11-20T24:00:00Z', ...A(c)],
    error: fixed("--until '2026-11-20T24:00:00Z' is not a real time: hour 24 is out of range 00-23"),
    code: 2,
  },
  {
    name: 'backfill --from a day that does not exist',
    args: (c) => [
      'schedules',
      'backfill',
      SEED_A,
      '--from',
      '2026-02-30T00:00:00Z',
      '--to',
      '2026-03-02T00:00:00Z',
      ...A(c),
    ],
    error: fixed("--from '2026-02-30T00:00:00Z' is not a real time: February 2026 has 28 days"),
    code: 2,
  },
  {
    name: 'backfill --from without a zone',
    args: (c) => [
      'schedules',
      'backfill',
      SEED_A,
      '--from',
      '2026-11-20T00:00',
      '--to',
      '2026-11-21T00:00:00Z',
      ...A(c),
    ],
    error: fixed(`--from '2026-11-20T00:00' ${TIME_FORMS}`),
    code: 2,
  },
  {
    name: 'backfill --to before --from',
    args: (c) => [
      'schedules',
      'backfill',
      SEED_A,
      '--from',
      '2026-01-02T00:00:00Z',
      '--to',
      '2026-01-01T00:00:00Z',
      ...A(c),
    ],
    error: fixed('--to 2026-01-01T00:00:00Z is before --from 2026-01-02T00:00:00Z'),
    code: 2,
  },
  {
    name: 'audit --from month 13',
    args: (c) => ['audit', SEED_A, '--from', '2026-13-01', ...A(c)],
    error: fixed("--from '2026-13-01' is not a real time: month 13 is out of range 01-12"),
    code: 2,
  },
  {
    name: 'audit --from after --to',
    args: (c) => ['audit', SEED_A, '--from', '2h', '--to', '3h', ...A(c)],
    error: fixed('--from must not be after --to'),
    code: 2,
  },
  {
    name: 'audit window longer than 366 days',
    args: (c) => ['audit', SEED_A, '--from', '400d', ...A(c)],
    error: fixed('--from/--to: the window must not be longer than 366 days; audit it in parts'),
    code: 2,
  },
]);

rows('durations', [
  {
    name: 'worker --grace that is not a duration',
    args: (c) => ['worker', '--grace', 'soon', '--database-url', c.dbUrl, ...A(c)],
    error: fixed(
      "--grace 'soon' is not a duration: an integer with a unit ms, s, m, h or d, e.g. 30s, 10m, 1h30m",
    ),
    code: 2,
    db: 'migrated',
  },
  {
    name: 'jitter with a unit Temporal does not write',
    args: (c) => ['apply', '-f', jobs('jitter.yaml', '      jitter: 1w\n'), ...A(c)],
    error: () =>
      /jitter\.yaml:9 jobs\[0\]\.schedule\.jitter: '1w' is not a duration: an integer with a unit ms, s, m, h or d, e\.g\. 30s, 10m, 1h30m$/,
  },
  {
    name: 'catch-up window beyond 100 years',
    args: (c) => ['apply', '-f', jobs('catchup.yaml', '    catchupWindow: 40000d\n'), ...A(c)],
    error: () =>
      /catchup\.yaml:9 jobs\[0\]\.catchupWindow: '40000d' is above the maximum 36500d \(100 years\)$/,
  },
]);

const NOPE_NS =
  "namespace 'nope' does not exist on this Temporal server (create it with `temporal operator namespace create --namespace nope`, or choose another with --namespace or TEMPORAL_NAMESPACE)";
const setupHint = (ns: string) =>
  `run \`durable-cron setup --namespace ${ns}\` (same --address) once to register them`;

rows('server: wrong namespace, missing search attributes, unknown schedule', [
  ...(
    [
      ['apply', ['apply', '-f', jobs('ns.yaml')]],
      ['schedules list', ['schedules', 'list']],
      ['schedules trigger', ['schedules', 'trigger', SEED_A]],
      ['runs list', ['runs', 'list', '--customer', 'acme']],
      ['audit', ['audit', SEED_A, '--from', '1h']],
    ] as const
  ).map(([command, args]): Row => ({
    name: `--namespace nope: ${command}`,
    args: (c) => [...args, '--namespace', 'nope', ...A(c)],
    error: fixed(NOPE_NS),
    code: 1,
  })),
  {
    name: '--namespace nope: worker (no processes start)',
    args: (c) => ['worker', '--processes', '1', '--database-url', c.dbUrl, '--namespace', 'nope', ...A(c)],
    error: fixed(NOPE_NS),
    code: 1,
    db: 'migrated',
  },
  {
    name: '--namespace nope: setup (no migration runs)',
    args: (c) => ['setup', '--database-url', c.emptyDbUrl, '--namespace', 'nope', ...A(c)],
    error: fixed(NOPE_NS),
    code: 1,
    db: 'empty',
  },
  {
    name: 'apply to a namespace where setup never ran names every missing attribute',
    args: (c) => ['apply', '-f', jobs('bare.yaml'), '--namespace', c.bare, ...A(c)],
    error: (c) =>
      re(
        `namespace '${c.bare}' lacks the search attributes ${ALL_ATTRIBUTES} that durable-cron needs: ${setupHint(c.bare)}`,
      ),
    code: 1,
    namespace: 'bare',
  },
  {
    name: 'apply to a namespace set up by an older version names scheduleSync',
    args: (c) => ['apply', '-f', jobs('partial.yaml'), '--namespace', c.partial, ...A(c)],
    error: (c) =>
      re(
        `namespace '${c.partial}' lacks the search attribute 'scheduleSync' that durable-cron needs: ${setupHint(c.partial)}`,
      ),
    code: 1,
    namespace: 'partial',
  },
  {
    name: 'runs list --customer where setup never ran',
    args: (c) => ['runs', 'list', '--customer', 'acme', '--namespace', c.bare, ...A(c)],
    error: fixed(
      "this namespace lacks the search attribute 'customer' that durable-cron needs: run `durable-cron setup` (same --address) once to register them",
    ),
    code: 1,
    namespace: 'bare',
  },
  {
    name: 'schedules list where setup never ran',
    args: (c) => ['schedules', 'list', '--namespace', c.bare, ...A(c)],
    error: (c) =>
      re(
        `namespace '${c.bare}' lacks the search attribute 'managedBy' that durable-cron needs: ${setupHint(c.bare)}`,
      ),
    code: 1,
    namespace: 'bare',
  },
  {
    name: 'worker where setup never ran (no processes start)',
    args: (c) => ['worker', '--processes', '1', '--database-url', c.dbUrl, '--namespace', c.bare, ...A(c)],
    error: (c) =>
      re(
        `namespace '${c.bare}' lacks the search attributes ${ALL_ATTRIBUTES} that durable-cron needs: ${setupHint(c.bare)}`,
      ),
    code: 1,
    namespace: 'bare',
    db: 'migrated',
  },
  {
    name: 'setup with an unreachable database registers no search attribute',
    args: (c) => [
      'setup',
      '--database-url',
      `postgres://postgres@${c.closed}/test`,
      '--namespace',
      c.bare,
      ...A(c),
    ],
    error: (c) =>
      re(`database ${c.closed}/test: connect ECONNREFUSED ${c.closed} (check --database-url / DATABASE_URL)`),
    code: 1,
    namespace: 'bare',
  },
  ...[
    ['trigger', MISSING],
    ['pause', MISSING],
    ['unpause', MISSING, '--catch-up'],
    ['backfill', MISSING, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'],
    ['delete', MISSING],
  ].map((args): Row => ({
    name: `schedules ${args[0]} of an unknown id`,
    args: (c) => ['schedules', ...args, ...A(c)],
    error: fixed(`schedule '${MISSING}' not found in namespace 'default'`),
    code: 1,
  })),
]);

describe('server: unreachable', () => {
  for (const [command, args] of [
    ['apply', ['apply', '-f', jobs('unreachable.yaml')]],
    ['schedules list', ['schedules', 'list']],
    ['runs list', ['runs', 'list']],
    ['setup', ['setup', '--database-url', DEFAULT_TEST_DATABASE_URL]],
    ['worker', ['worker', '--processes', '1', '--database-url', DEFAULT_TEST_DATABASE_URL]],
  ] as const) {
    it(`${command} against a closed port fails at once`, async () => {
      const r = await checkRow({
        name: '',
        args: (c) => [...args, '--address', c.closed],
        error: (c) =>
          re(
            `cannot reach Temporal at ${c.closed}: connection refused (is the server running? try \`durable-cron dev\`)`,
          ),
        code: 1,
      });
      // The gRPC connect alone would wait for its 5 s deadline; node's start-up is the rest.
      assert.ok(r.ms < 4_000, `took ${r.ms} ms`);
    });
  }
});

describe('quote injection in a typed filter', () => {
  it('is one literal customer name: it matches nothing, and the real customer still matches', async () => {
    const before = await namespaceState(temporal.client);
    const injected = await runCli(['runs', 'list', '--customer', "nobody' OR customer = 'acme", ...A(ctx)]);
    assert.equal(injected.code, 0, injected.stderr);
    assert.equal(injected.stdout.trim().split('\n').at(-1), '0 runs');
    const real = await runCli(['runs', 'list', '--customer', 'acme', ...A(ctx)]);
    assert.equal(real.stdout.trim().split('\n').at(-1), '1 run');
    assert.deepEqual(await namespaceState(temporal.client), before);
  });
});

/** Runs the CLI, calling `onStderr` with all stderr so far as it arrives. */
function runCliStreaming(args: string[], onStderr: (all: string) => void): Promise<CliResult> {
  const started = Date.now();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('DURABLE_CRON_')),
  );
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr(stderr);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('a jobs file edited while apply runs', () => {
  const JOBS = 200;
  const variants = [
    {
      name: 'rewritten with new inputs and 100 more jobs',
      edit: (prefix: string) => manyJobs(prefix, JOBS + 100, 'v2'),
    },
    { name: 'cut off half-way through a write', edit: (_: string, v1: string) => v1.slice(0, v1.length / 2) },
  ];
  variants.forEach((variant, n) => {
    it(`apply acts on the one version it read and validated: ${variant.name}`, async () => {
      const prefix = `snap${n}-${s}`;
      const v1 = manyJobs(prefix, JOBS, 'v1');
      const path = file(`snapshot-${n}.yaml`, v1);
      let editedAt: string | undefined;
      const r = await runCliStreaming(
        ['apply', '-f', path, '--concurrency', '1', '--address', ctx.address],
        (stderr) => {
          // The first progress line: the plan is made and creates are under way.
          if (editedAt === undefined && stderr.includes('progress: ')) {
            writeFileSync(path, variant.edit(prefix, v1));
            editedAt = stderr;
          }
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.ok(editedAt !== undefined, 'the file was edited during apply');
      assert.doesNotMatch(editedAt, /progress: 200\/200/, 'the edit came before the last change');
      assert.match(r.stderr.slice(editedAt.length), /progress: 200\/200 changes \(100%\)/);
      assert.match(
        r.stdout,
        /Applied to namespace 'default': 200 created, 0 updated, 0 deleted, 0 unchanged\./,
      );

      // The server holds exactly version 1: every job of it, with its input, and none of version 2.
      for (let i = 0; i < JOBS + 100; i += 1) {
        const handle = temporal.client.schedule.getHandle(`${prefix}-${i}`);
        if (i >= JOBS) {
          await assert.rejects(handle.describe(), { name: 'ScheduleNotFoundError' });
          continue;
        }
        const d = await handle.describe();
        const input = (d.action.args?.[0] as { input?: { title?: string } } | undefined)?.input;
        assert.equal(input?.title, 'v1', `${prefix}-${i}`);
      }
    });
  });
});
