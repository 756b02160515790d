/**
 * The Temporal Web UI in a real browser: a customer's runs found with `customer = "…"`, another
 * customer's absent, and a run's history showing its steps. Saves screenshots to test-results/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectNative } from '../../src/connection';
import { uiWorkflowsUrl } from '../../src/config';
import { CUSTOMER, ENV, JOB_ID, JOB_TYPE } from '../../src/search-attributes';
import { createWorker } from '../../src/worker/worker';
import { artifactPath, browserSkipReason, launchChromium, requireChromium } from '../helpers/browser';
import { shopRegistry } from '../helpers/jobs';
import { eventually, startTestTemporal, type TestTemporal } from '../helpers/temporal';

const skip = browserSkipReason();

describe('the Web UI shows a customer its runs', { skip }, () => {
  let temporal: TestTemporal;
  const suffix = randomUUID().slice(0, 8);
  const acme = `acme-${suffix}`;
  const globex = `globex-${suffix}`;
  const runs: { customer: string; workflowId: string; runId: string }[] = [];

  before(async () => {
    requireChromium();
    temporal = await startTestTemporal();
    const connection = await connectNative(temporal.config);
    try {
      const worker = await createWorker({
        connection,
        config: temporal.config,
        registry: shopRegistry(),
        deps: { dataDir: mkdtempSync(join(tmpdir(), 'durable-cron-ui-')) },
      });
      await worker.runUntil(async () => {
        for (const [i, customer] of [acme, acme, globex].entries()) {
          const jobId = `nightly-${customer}`;
          const fireTime = new Date(Date.UTC(2026, 10, 20, 18 + i)).toISOString();
          const workflowId = `${jobId}-${fireTime.replace('.000Z', 'Z')}`;
          const handle = await temporal.client.workflow.start('dailySummary', {
            workflowId,
            taskQueue: temporal.config.taskQueue,
            args: [{ jobId, customer, env: 'prod', timezone: 'UTC', input: { title: 'UI' }, fireTime }],
            typedSearchAttributes: [
              { key: CUSTOMER, value: customer },
              { key: ENV, value: 'prod' },
              { key: JOB_ID, value: jobId },
              { key: JOB_TYPE, value: 'daily-summary' },
            ],
          });
          await handle.result();
          runs.push({ customer, workflowId, runId: handle.firstExecutionRunId });
        }
      });
    } finally {
      await connection.close();
    }
    await eventually('runs visible', async () =>
      (await temporal.client.workflow.count(`customer = '${acme}'`)).count === 2 ? true : undefined,
    );
  });

  after(async () => {
    await temporal?.stop();
  });

  it('lists the customer runs for customer = "…", not another customer, and shows a run history', async () => {
    assert.ok(temporal.server.uiUrl, 'the test server serves the Web UI');
    const browser = await launchChromium();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const url = uiWorkflowsUrl(
        { uiUrl: temporal.server.uiUrl, namespace: 'default' },
        `customer = "${acme}"`,
      );
      await page.goto(url);
      const mine = runs.filter((r) => r.customer === acme);
      const theirs = runs.filter((r) => r.customer === globex);
      for (const run of mine) {
        await page.getByRole('link', { name: run.workflowId, exact: true }).waitFor({ timeout: 60_000 });
        assert.equal(await page.getByRole('link', { name: run.runId, exact: true }).count(), 1);
      }
      await page.getByText(`${mine.length} Workflows`).waitFor();
      const listed = (await page.locator('a[href*="/workflows/"]').allTextContents()).map((t) => t.trim());
      for (const run of theirs) {
        assert.ok(
          !listed.includes(run.workflowId),
          `${run.workflowId} (another customer) must not be listed`,
        );
      }
      const listShot = artifactPath('web-ui-customer-runs.png');
      mkdirSync(dirname(listShot), { recursive: true });
      await page.screenshot({ path: listShot });

      const opened = mine[0];
      assert.ok(opened);
      await page.getByRole('link', { name: opened.workflowId, exact: true }).click();
      await page.waitForURL(new RegExp(`/${opened.runId}/history`));
      await page.getByText('Completed', { exact: true }).first().waitFor();
      for (const step of ['summarizeDay', 'publishSummary']) {
        await page.getByText(step, { exact: true }).first().waitFor({ timeout: 30_000 });
      }
      await page.screenshot({ path: artifactPath('web-ui-run-history.png') });
    } finally {
      await browser.close();
    }
  });
});
