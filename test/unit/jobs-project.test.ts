import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobsFileError, formatJobsFileIssue } from '../../src/errors';
import { parseJobsText } from '../../src/jobs/load';
import { DEFAULT_PROJECT, PROJECT_PATTERN, projectFromFileName } from '../../src/jobs/project';
import { decodeSync, encodeSync } from '../../src/schedules/definition';
import { shopRegistry } from '../helpers/jobs';

const JOBS = `jobs:
  - {id: nightly, type: daily-summary, customer: acme, env: prod, schedule: {cron: "0 2 * * *"}}
`;

describe('project from the file name', () => {
  const cases: [string, string][] = [
    ['billing-service.yaml', 'billing-service'],
    ['jobs/billing.yml', 'billing'],
    ['/etc/durable-cron/Nightly Reports.JSON', 'nightly-reports'],
    ['billing_service.v2.yaml', 'billing-service-v2'],
    ['--Billing--.yaml', 'billing'],
    ['jobs.txt', 'jobs-txt'],
    ['über.yaml', 'ber'],
    ['___.yaml', DEFAULT_PROJECT],
    ['.yaml', DEFAULT_PROJECT],
    ['<jobs file>', 'jobs-file'],
  ];
  for (const [file, project] of cases) {
    it(`${file} -> ${project}`, () => {
      assert.equal(projectFromFileName(file), project);
      assert.match(projectFromFileName(file), PROJECT_PATTERN);
    });
  }

  it('cuts long names to 63 characters without a trailing dash', () => {
    assert.equal(projectFromFileName(`${'a'.repeat(70)}.yaml`), 'a'.repeat(63));
    assert.equal(projectFromFileName(`${'b'.repeat(62)}_x.yaml`), 'b'.repeat(62));
  });
});

describe('jobs file: project field', () => {
  it('is derived from the file name when absent', () => {
    const loaded = parseJobsText(JOBS, 'teams/Billing Service.yaml', shopRegistry());
    assert.equal(loaded.project, 'billing-service');
    assert.equal(loaded.projectSource, 'file name');
  });

  it('is taken from the file when set', () => {
    const loaded = parseJobsText(`project: billing\n${JOBS}`, 'teams/other.yaml', shopRegistry());
    assert.equal(loaded.project, 'billing');
    assert.equal(loaded.projectSource, 'field');
    assert.equal(loaded.jobs.project, 'billing');
  });

  for (const bad of ['Billing', 'billing_service', '-billing', '""', 'a'.repeat(64)]) {
    it(`rejects project: ${bad.slice(0, 20)} naming the field and the pattern`, () => {
      const text = `version: 1\nproject: ${bad}\n${JOBS}`;
      assert.throws(
        () => parseJobsText(text, 'jobs.yaml', shopRegistry()),
        (err: unknown) => {
          assert.ok(err instanceof JobsFileError);
          assert.deepEqual(err.issues.map(formatJobsFileIssue), [
            'jobs.yaml:2 project: must match [a-z0-9][a-z0-9-]{0,62} (lowercase letters, digits, dashes; 1-63 characters)',
          ]);
          return true;
        },
      );
    });
  }

  it('rejects a project that is not a string', () => {
    assert.throws(
      () => parseJobsText(`project: [a]\n${JOBS}`, 'jobs.yaml', shopRegistry()),
      /jobs\.yaml:1 project: must be a string/,
    );
  });
});

describe('sync record: project', () => {
  it('round-trips with the hash and pause start', () => {
    const at = new Date('2026-11-21T10:00:00Z');
    const record = { hash: 'f'.repeat(16), pausedAt: at, project: 'p'.repeat(63) };
    assert.deepEqual(decodeSync(encodeSync(record)), record);
    assert.ok(encodeSync(record).length < 255);
  });

  it('reads records of older versions (no project) and ignores a malformed project', () => {
    assert.deepEqual(decodeSync('v1 hash=abc'), { hash: 'abc' });
    assert.deepEqual(decodeSync('v1 hash=abc project=Not_Valid'), { hash: 'abc' });
  });
});
