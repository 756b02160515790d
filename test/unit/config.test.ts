import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultUiUrl, resolveConfig, uiRunUrl, uiWorkflowsUrl } from '../../src/config';
import { UsageError } from '../../src/errors';

describe('resolveConfig', () => {
  it('falls back to the local dev server defaults', () => {
    const config = resolveConfig({}, {});
    assert.equal(config.address, 'localhost:7233');
    assert.equal(config.namespace, 'default');
    assert.equal(config.taskQueue, 'durable-cron');
    assert.equal(config.uiUrl, 'http://localhost:8233');
    assert.equal(config.connection.apiKey, undefined);
  });

  it('reads TEMPORAL_* through envconfig and DURABLE_CRON_* itself', () => {
    const config = resolveConfig(
      {},
      {
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_NAMESPACE: 'billing',
        TEMPORAL_API_KEY: 'secret-key',
        DURABLE_CRON_TASK_QUEUE: 'jobs',
        DURABLE_CRON_UI_URL: 'https://ui.example.test/',
      },
    );
    assert.equal(config.address, 'temporal.internal:7233');
    assert.equal(config.namespace, 'billing');
    assert.equal(config.taskQueue, 'jobs');
    assert.equal(config.uiUrl, 'https://ui.example.test');
    assert.equal(config.connection.apiKey, 'secret-key');
    // An API key implies TLS (the system's CAs), as the Temporal clients do.
    assert.deepEqual(config.connection.tls, {});
  });

  it('lets flags override the environment', () => {
    const config = resolveConfig(
      { address: '127.0.0.1:9000', namespace: 'ns2', taskQueue: 'q2' },
      { TEMPORAL_ADDRESS: 'other:7233', TEMPORAL_NAMESPACE: 'ns1', DURABLE_CRON_TASK_QUEUE: 'q1' },
    );
    assert.deepEqual([config.address, config.namespace, config.taskQueue], ['127.0.0.1:9000', 'ns2', 'q2']);
    assert.equal(config.uiUrl, 'http://localhost:10000');
  });

  it('rejects a malformed address with a message naming the flag and the form', () => {
    assert.throws(
      () => resolveConfig({ address: 'localhost' }, {}),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /--address 'localhost' is not host:port/);
        return true;
      },
    );
    assert.throws(() => resolveConfig({ address: 'h:70000' }, {}), /port must be 1-65535/);
  });

  it('names an unknown profile', () => {
    assert.throws(
      () => resolveConfig({ profile: 'nope' }, { TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }),
      /Profile 'nope' not found|nope/,
    );
  });
});

describe('Web UI links', () => {
  it('derives the UI from the address', () => {
    assert.equal(defaultUiUrl('localhost:7233'), 'http://localhost:8233');
    assert.equal(defaultUiUrl('acme.a1b2c.tmprl.cloud:7233'), 'https://cloud.temporal.io');
    assert.equal(defaultUiUrl('temporal:7233'), 'http://temporal:8080');
  });

  it('builds list and history URLs with escaped parts', () => {
    const config = { uiUrl: 'http://localhost:8233', namespace: 'default' };
    assert.equal(
      uiWorkflowsUrl(config, "customer = 'acme'"),
      "http://localhost:8233/namespaces/default/workflows?query=customer%20%3D%20'acme'",
    );
    assert.equal(
      uiRunUrl(config, 'job-2026-11-21T18:00:00Z', 'r1'),
      'http://localhost:8233/namespaces/default/workflows/job-2026-11-21T18%3A00%3A00Z/r1/history',
    );
  });
});
