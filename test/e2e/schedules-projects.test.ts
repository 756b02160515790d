/**
 * Two jobs files (two projects) sharing one namespace against a real dev server: each apply
 * records its project on its schedules, `apply --prune` of one deletes only its own dropped
 * schedules, never another project's, one without a project record (an older version's) or one
 * another tool created; a job moving between files moves its schedule between projects, shown in
 * the plan; `schedules list` shows and filters by project.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncOf } from '../../src/schedules/definition';
import { MANAGED_BY, MANAGED_BY_VALUE, SCHEDULE_SYNC } from '../../src/search-attributes';
import { cliAgainst } from '../helpers/cli';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

interface PlannedJson {
  jobId: string;
  action: string;
  fields?: string[];
  project?: { from: string | null; to: string };
}
interface ApplyJson {
  project: string;
  projectSource: string;
  prune: boolean;
  plan: PlannedJson[];
  unowned?: string[];
  rpcs: Record<string, number>;
}
interface ListJson {
  schedules: { id: string; project: string; managed: boolean }[];
}

const dir = mkdtempSync(join(tmpdir(), 'durable-cron-projects-'));
const s = randomUUID().slice(0, 6);
/** Derived from the file name `Billing Service.yaml`. */
const BILLING = 'billing-service';
/** Set with `project:` in `reports.yaml`. */
const REPORTS = `reports-${s}`;
const FOREIGN = `foreign-${s}`;
const LEGACY = `legacy-${s}`;

const rep = (n: string) => `rep-${n}-${s}`;
const bill = (n: string) => `bill-${n}-${s}`;

function job(id: string): string {
  return `  - {id: ${id}, type: daily-summary, customer: acme-${s}, env: prod, schedule: {cron: "0 3 * * *"}}\n`;
}
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const billingFile = (...ids: string[]) =>
  write(
    'Billing Service.yaml',
    ids.length === 0 ? 'jobs: []\n' : `jobs:\n${ids.map((id) => job(bill(id))).join('')}`,
  );
const reportsFile = (...ids: string[]) =>
  write('reports.yaml', `project: ${REPORTS}\njobs:\n${ids.map(job).join('')}`);

describe('projects: several jobs files in one namespace', () => {
  let temporal: TestTemporal;

  const cli = cliAgainst(() => temporal.config);
  async function apply(file: string, ...flags: string[]): Promise<ApplyJson> {
    const r = await cli(['apply', '-f', file, '--json', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ApplyJson;
  }
  async function list(...flags: string[]): Promise<ListJson['schedules']> {
    const r = await cli(['schedules', 'list', '--json', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as ListJson).schedules;
  }
  /** Schedule id → recorded project ('-' for none), once the (eventually consistent) list shows `expected`. */
  async function listedProjects(expected: Record<string, string>): Promise<Record<string, string>> {
    return eventually('the schedule list to show every project', async () => {
      const seen: Record<string, string> = {};
      for await (const sc of temporal.client.schedule.list()) {
        if (sc.scheduleId.endsWith(s)) seen[sc.scheduleId] = syncOf(sc).project ?? '-';
      }
      return JSON.stringify(sorted(seen)) === JSON.stringify(sorted(expected)) ? seen : undefined;
    });
  }

  before(async () => {
    temporal = await startTestTemporal();
    const { client } = temporal;
    const action = { type: 'startWorkflow', workflowType: 'dailySummary', taskQueue: 'elsewhere' } as const;
    // Made by another tool: no durable-cron record at all.
    await client.schedule.create({
      scheduleId: FOREIGN,
      spec: { intervals: [{ every: '1h' }] },
      action: { ...action, workflowId: FOREIGN },
    });
    // Made by a durable-cron version before projects: managed, with a record but no project.
    await client.schedule.create({
      scheduleId: LEGACY,
      spec: { intervals: [{ every: '1h' }] },
      action: { ...action, workflowId: LEGACY },
      typedSearchAttributes: [
        { key: MANAGED_BY, value: MANAGED_BY_VALUE },
        { key: SCHEDULE_SYNC, value: 'v1 hash=0123456789abcdef' },
      ],
    });
  });
  after(async () => {
    await temporal?.stop();
  });

  it('each apply records its project: from the file name, or from project:', async () => {
    const r = await cli(['apply', '-f', billingFile('a', 'b')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^ {2}project: ${BILLING} \\(from file name\\)$`, 'm'));
    assert.match(r.stdout, /2 created, 0 updated, 0 deleted/);

    const reports = await apply(reportsFile(rep('a'), rep('b')));
    assert.equal(reports.project, REPORTS);
    assert.equal(reports.projectSource, 'field');
    assert.deepEqual(
      reports.plan.map((c) => `${c.action} ${c.jobId}`),
      [`create ${rep('a')}`, `create ${rep('b')}`],
    );
    await listedProjects({
      [bill('a')]: BILLING,
      [bill('b')]: BILLING,
      [rep('a')]: REPORTS,
      [rep('b')]: REPORTS,
      [FOREIGN]: '-',
      [LEGACY]: '-',
    });
    // Re-applying an unchanged file with --prune sends nothing and describes nothing.
    const again = await apply(billingFile('a', 'b'), '--prune');
    assert.deepEqual(again.plan, []);
    assert.deepEqual(again.unowned, [LEGACY]);
    assert.deepEqual(
      [again.rpcs.describe, again.rpcs.create, again.rpcs.update, again.rpcs.delete],
      [0, 0, 0, 0],
    );
  });

  it('schedules list shows the project and filters by it', async () => {
    const billing = await list('--project', BILLING);
    assert.deepEqual(
      billing.map((r) => [r.id, r.project]),
      [
        [bill('a'), BILLING],
        [bill('b'), BILLING],
      ],
    );
    const reports = await list('--project', REPORTS);
    assert.deepEqual(
      reports.map((r) => r.id),
      [rep('a'), rep('b')],
    );
    const all = await list('--all');
    assert.equal(all.find((r) => r.id === FOREIGN)?.project, '');
    assert.equal(all.find((r) => r.id === LEGACY)?.project, '');

    const text = await cli(['schedules', 'list', '--project', REPORTS]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ID +PROJECT +TYPE /);
    assert.match(text.stdout, new RegExp(`^${rep('a')} +${REPORTS} +daily-summary `, 'm'));

    const bad = await cli(['schedules', 'list', '--project', 'Billing_Service']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--project 'Billing_Service' must match \[a-z0-9\]\[a-z0-9-\]\{0,62\}/);
  });

  it('apply --prune of each file deletes only its own dropped schedules', async () => {
    const r = await cli(['apply', '-f', billingFile('a'), '--prune']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`prune: deletes schedules of project '${BILLING}' that the file no longer has`),
    );
    assert.match(
      r.stdout,
      new RegExp(`^ {2}- delete ${bill('b')} \\(project ${BILLING}, not in the file\\)$`, 'm'),
    );
    assert.match(r.stdout, new RegExp(`prune skips 1 schedule\\(s\\) with no project record .*: ${LEGACY}`));
    assert.match(r.stdout, /0 created, 0 updated, 1 deleted/);

    const reports = await apply(reportsFile(rep('b')), '--prune');
    assert.deepEqual(reports.plan, [{ jobId: rep('a'), action: 'delete' }]);
    assert.equal(reports.rpcs.delete, 1);

    const left = await listedProjects({
      [bill('a')]: BILLING,
      [rep('b')]: REPORTS,
      [FOREIGN]: '-',
      [LEGACY]: '-',
    });
    assert.equal(left[FOREIGN], '-', 'the schedule another tool made is untouched');
    assert.equal(left[LEGACY], '-', 'the schedule without a project record is untouched');
    const foreign = await temporal.client.schedule.getHandle(FOREIGN).describe();
    assert.equal(foreign.typedSearchAttributes.get(MANAGED_BY), undefined);
  });

  it('a job moving to another file moves its schedule to that project, and the old file does not prune it', async () => {
    // bill-a moves from the billing file to the reports file.
    const moved = await apply(reportsFile(rep('b'), bill('a')), '--dry-run');
    assert.deepEqual(moved.plan, [
      { jobId: bill('a'), action: 'update', fields: ['project'], project: { from: BILLING, to: REPORTS } },
    ]);
    const text = await cli(['apply', '-f', join(dir, 'reports.yaml')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`~ update ${bill('a')} \\(project ${BILLING} -> ${REPORTS}\\)`));
    const d = await temporal.client.schedule.getHandle(bill('a')).describe();
    assert.equal(syncOf(d).project, REPORTS);
    assert.deepEqual(
      (await apply(join(dir, 'reports.yaml'))).plan,
      [],
      'moved: the next apply of the new file has nothing to do',
    );

    await listedProjects({ [bill('a')]: REPORTS, [rep('b')]: REPORTS, [FOREIGN]: '-', [LEGACY]: '-' });
    const billing = await apply(billingFile(), '--prune');
    assert.deepEqual(billing.plan, []);
    const ids: string[] = [];
    for await (const sc of temporal.client.schedule.list()) ids.push(sc.scheduleId);
    assert.deepEqual(ids.sort(), [bill('a'), FOREIGN, LEGACY, rep('b')].sort());
  });

  it('a schedule of an older version gets its project recorded when a file has its job', async () => {
    const file = write('legacy.yaml', `jobs:\n${job(LEGACY)}`);
    const plan = await apply(file, '--dry-run');
    const [change] = plan.plan;
    assert.equal(change?.action, 'update');
    assert.ok(change?.fields?.includes('project'), JSON.stringify(change));
    assert.deepEqual(change?.project, { from: null, to: 'legacy' });
    const text = await cli(['apply', '-f', file]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /project \(none\) -> legacy/);
    const d = await temporal.client.schedule.getHandle(LEGACY).describe();
    assert.equal(syncOf(d).project, 'legacy');
  });
});

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}
