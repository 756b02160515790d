/**
 * The list of environment variables the config module reads (`CONFIG_ENV_VARS`), which the
 * deployment files are checked against, cannot drift from what is read: every read is recorded
 * and compared with the list, for durable-cron's own variables and for envconfig's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import {
  CONFIG_ENV_VARS,
  CONFIG_FILE_LOCATION_ENV_VARS,
  DURABLE_CRON_ENV,
  TEMPORAL_ENV_VARS,
  isConfigEnvVar,
  resolveConfig,
} from '../../src/config';

/** An environment that records every variable looked up in it. */
function recordingEnv(values: Record<string, string> = {}): {
  env: Record<string, string>;
  read: Set<string>;
} {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string>>(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  return { env, read };
}

describe('the environment variables of the config module', () => {
  it('lists exactly what envconfig reads (besides the config file locations)', () => {
    const home = mkdtempSync(join(tmpdir(), 'durable-cron-env-'));
    try {
      const { env, read } = recordingEnv({ HOME: home });
      loadClientConnectConfig({ overrideEnvVars: env });
      const temporal = [...read].filter(
        (n) => !(CONFIG_FILE_LOCATION_ENV_VARS as readonly string[]).includes(n),
      );
      assert.deepEqual(temporal.sort(), [...TEMPORAL_ENV_VARS].sort());
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reads nothing outside the list, and every durable-cron variable of it', () => {
    const { env, read } = recordingEnv();
    resolveConfig({}, env);
    for (const name of read)
      assert.ok(isConfigEnvVar(name), `resolveConfig read ${name}, which is not listed`);
    for (const name of Object.values(DURABLE_CRON_ENV))
      assert.ok(read.has(name), `${name} is listed but not read`);
  });

  it('hands envconfig only the listed variables', () => {
    const config = resolveConfig(
      {},
      {
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_GRPC_META_X_TEAM: 'billing',
        TEMPORAL_NOT_A_SETTING: 'ignored',
      },
    );
    assert.equal(config.address, 'temporal.internal:7233');
    assert.deepEqual(config.connection.metadata, { 'x-team': 'billing' });
    assert.ok(!isConfigEnvVar('TEMPORAL_NOT_A_SETTING'));
    assert.ok(!isConfigEnvVar('TEMPORAL_GRPC_META_'));
    assert.ok(CONFIG_ENV_VARS.includes('DATABASE_URL'));
  });

  it('resolves the workflow bundle from the flag, else DURABLE_CRON_WORKFLOW_BUNDLE, as an absolute path', () => {
    assert.equal(resolveConfig({}, {}).workflowBundle, undefined);
    assert.equal(
      resolveConfig({}, { DURABLE_CRON_WORKFLOW_BUNDLE: 'build/bundle.js' }).workflowBundle,
      join(process.cwd(), 'build', 'bundle.js'),
    );
    assert.equal(
      resolveConfig({ workflowBundle: '/opt/b.js' }, { DURABLE_CRON_WORKFLOW_BUNDLE: '/env/b.js' })
        .workflowBundle,
      '/opt/b.js',
    );
  });
});
