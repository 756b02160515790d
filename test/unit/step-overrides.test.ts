/** Per-job step policy overrides: validated against real step names, passed to the workflow in ms, merged over defaults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BILLING_STEPS, DB_BACKUP_STEPS } from '../../examples/shop/steps';
import { JobsFileError } from '../../src/errors';
import { overridableStepNames } from '../../src/job-types/registry';
import { parseJobsFile } from '../../src/jobs/load';
import { runInputFor } from '../../src/schedules/build';
import { activityOptions, DEFAULT_HEARTBEAT_TIMEOUT } from '../../workflows/steps';
import { shopRegistry } from '../helpers/jobs';

const file = (steps: string, input = '{}') => `version: 1
jobs:
  - id: monthly-billing
    type: billing
    customer: acme
    env: prod
    schedule: { cron: '0 6 1 * *' }
    input: ${input}
    steps:
${steps}
`;

function issuesOf(text: string): string[] {
  try {
    parseJobsFile(text, 'jobs.yaml', shopRegistry());
  } catch (err) {
    if (err instanceof JobsFileError) return err.issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('step overrides in the jobs file', () => {
  it('passes overrides to the workflow input with durations in milliseconds', () => {
    const jobs = parseJobsFile(
      file(
        '      chargeCard: { timeout: 30s, retry: { maximumAttempts: 5, initialInterval: 2s } }\n      refundCharge: { retry: { maximumInterval: 1m } }',
      ),
      '<jobs file>',
      shopRegistry(),
    );
    const job = jobs.jobs[0];
    assert.ok(job);
    assert.deepEqual(runInputFor(job).steps, {
      chargeCard: { timeout: 30_000, retry: { maximumAttempts: 5, initialInterval: 2_000 } },
      refundCharge: { retry: { maximumInterval: 60_000 } },
    });
  });

  it('rejects a step the job type does not have, naming the real ones, with its line', () => {
    assert.deepEqual(issuesOf(file('      chargeCrad: { timeout: 30s }')), [
      "10:jobs[0].steps.chargeCrad: job type 'billing' has no step 'chargeCrad' (steps: reserveInvoice, voidInvoice, chargeCard, refundCharge, sendInvoice)",
    ]);
  });

  it('rejects bad policy values and unknown policy keys', () => {
    const issues = issuesOf(
      file('      chargeCard: { timeout: soon, retry: { maximumAttempts: 0, backoff: 2 } }'),
    );
    assert.equal(issues.length, 3, issues.join('\n'));
    assert.ok(issues.some((i) => i.includes("steps.chargeCard.timeout: 'soon' is not a duration")));
    assert.ok(issues.some((i) => i.includes('steps.chargeCard.retry.maximumAttempts: must be at least 1')));
    assert.ok(
      issues.some((i) => i.includes("retry.backoff: unknown key 'backoff' (valid keys: initialInterval,")),
    );
  });

  it('rejects failure injection in the input: a jobs file cannot make a run fail', () => {
    const issues = issuesOf(file('      chargeCard: {}', '{ fail: { step: chargeCard, kind: error } }'));
    assert.equal(issues.length, 1, issues.join('\n'));
    assert.match(issues[0] ?? '', /input.*unknown key 'fail'/);
  });

  it('every job type declares its steps; billing lists compensations as overridable', () => {
    for (const type of shopRegistry().list()) assert.ok(type.steps.length > 0, type.name);
    assert.deepEqual(overridableStepNames(shopRegistry().get('billing') ?? { steps: [] }), [
      'reserveInvoice',
      'voidInvoice',
      'chargeCard',
      'refundCharge',
      'sendInvoice',
    ]);
  });

  it('merges an override over the default policy', () => {
    const options = activityOptions(BILLING_STEPS.chargeCard.policy, {
      timeout: 1_000,
      retry: { maximumAttempts: 2 },
    });
    assert.deepEqual(options, {
      startToCloseTimeout: 1_000,
      retry: {
        initialInterval: '2s',
        backoffCoefficient: 2,
        maximumInterval: '1m',
        maximumAttempts: 2,
        nonRetryableErrorTypes: ['CardDeclined'],
      },
      heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT,
    });
  });

  it('gives every step the short default heartbeat timeout unless its policy or the job sets one', () => {
    assert.equal(activityOptions(BILLING_STEPS.chargeCard.policy).heartbeatTimeout, '5s');
    assert.equal(activityOptions(DB_BACKUP_STEPS.backupTable.policy).heartbeatTimeout, '10s');
    assert.equal(
      activityOptions(BILLING_STEPS.chargeCard.policy, { heartbeatTimeout: 30_000 }).heartbeatTimeout,
      30_000,
    );
  });
});
