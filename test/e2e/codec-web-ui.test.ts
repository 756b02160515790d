/**
 * The Temporal Web UI in Chromium shows encrypted payloads decoded through the codec server: a
 * dev server started with `--ui-codec-endpoint`, a run whose input is encrypted (the raw history
 * holds no plaintext), and its history page showing the input's marker. Fails when Chromium is
 * missing, unless DURABLE_CRON_SKIP_BROWSER_TESTS=1 (see test/helpers/browser.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../src/codec';
import { startCodecServer, type CodecServer } from '../../src/codec/server';
import { uiRunUrl } from '../../src/config';
import { connectClient, type ConnectedClient } from '../../src/connection';
import { freePort } from '../../src/dev-server/dev-server';
import { artifactPath, browserSkipReason, launchChromium, requireChromium } from '../helpers/browser';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

const skip = browserSkipReason();

describe('the Web UI decodes encrypted payloads through the codec server', { skip }, () => {
  let temporal: TestTemporal;
  let codecServer: CodecServer | undefined;
  let client: ConnectedClient | undefined;
  const keys = [{ id: 'ui-key', key: randomBytes(32).toString('base64') }];
  const marker = `ui-visible-${randomUUID().slice(0, 8)}`;
  const workflowId = `encrypted-input-${randomUUID()}`;
  let runId = '';
  let decodeRequests = 0;

  before(async () => {
    requireChromium();
    const codecPort = await freePort();
    temporal = await startTestTemporal({ uiCodecEndpoint: `http://127.0.0.1:${codecPort}` });
    assert.ok(temporal.server.uiUrl, 'the test server serves the Web UI');
    const codec = new EncryptionCodec(keys);
    codecServer = await startCodecServer({
      codec: {
        encode: (payloads: Payload[]) => codec.encode(payloads),
        decode: (payloads: Payload[]) => {
          decodeRequests += 1;
          return codec.decode(payloads);
        },
      },
      port: codecPort,
      uiOrigin: new URL(temporal.server.uiUrl).origin,
      namespace: temporal.config.namespace,
    });
    client = await connectClient({ ...temporal.config, codec: { keys, source: 'test' } });
    // No worker polls this queue: the run stays open with its start event, enough for the page.
    const handle = await client.client.workflow.start('encryptedInputDemo', {
      workflowId,
      taskQueue: temporal.config.taskQueue,
      args: [{ note: marker }],
    });
    runId = handle.firstExecutionRunId;
  });

  after(async () => {
    await client?.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
    await client?.close();
    await codecServer?.close();
    await temporal?.stop();
  });

  it('shows the decoded input on the run page, though the history holds only ciphertext', async () => {
    const raw = await temporal.connection.workflowService.getWorkflowExecutionHistory({
      namespace: temporal.config.namespace,
      execution: { workflowId },
    });
    assert.ok(!JSON.stringify(raw).includes(marker), 'the stored history must not hold the marker');
    const browser = await launchChromium();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(
        uiRunUrl({ uiUrl: temporal.server.uiUrl ?? '', namespace: 'default' }, workflowId, runId),
      );
      const shot = artifactPath('web-ui-codec-input.png');
      mkdirSync(dirname(shot), { recursive: true });
      try {
        await page.getByText(marker).first().waitFor({ timeout: 60_000 });
      } finally {
        await page.screenshot({ path: shot });
      }
      assert.ok(decodeRequests > 0, 'the page decoded through the codec server');
    } finally {
      await browser.close();
    }
  });
});
