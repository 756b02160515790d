import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  cachedCliPath,
  findOrBuildTemporalCli,
  TEMPORAL_CLI_VERSION,
} from '../../src/dev-server/temporal-cli';
import { TemporalCliError } from '../../src/errors';

/** Writes an executable shell script. */
function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'dc-cli-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  // PATH holds only our fakes plus /bin for sh itself: no real `temporal` or `go`.
  return {
    root,
    bin,
    env: { PATH: `${bin}:/bin:/usr/bin`, XDG_CACHE_HOME: join(root, 'cache'), HOME: root },
  };
}

describe('finding the Temporal CLI', () => {
  it('uses TEMPORAL_CLI first and rejects one that does not run', async () => {
    const { root, env } = sandbox();
    const fake = script(join(root, 'my-temporal'), 'echo "temporal version 9.9.9 (Server 1.0.0, UI 2.0.0)"');
    const found = await findOrBuildTemporalCli({ env: { ...env, TEMPORAL_CLI: fake } });
    assert.deepEqual(found, { path: fake, version: '9.9.9', source: 'TEMPORAL_CLI' });
    await assert.rejects(
      findOrBuildTemporalCli({ env: { ...env, TEMPORAL_CLI: join(root, 'missing') } }),
      /TEMPORAL_CLI=.*missing is not a working Temporal CLI/,
    );
  });

  it('takes temporal on PATH only at the pinned version, then the cache', async () => {
    const { bin, env } = sandbox();
    script(
      join(bin, 'temporal'),
      `echo "temporal version ${TEMPORAL_CLI_VERSION} (Server 1.29.1, UI 2.42.1)"`,
    );
    assert.equal((await findOrBuildTemporalCli({ env })).source, 'PATH');

    script(join(bin, 'temporal'), 'echo "temporal version 1.0.0 (Server 1.20.0, UI 2.0.0)"');
    const cached = cachedCliPath(env);
    mkdirSync(join(cached, '..'), { recursive: true });
    script(cached, `echo "temporal version ${TEMPORAL_CLI_VERSION} (Server 1.29.1, UI 2.42.1)"`);
    const logged: string[] = [];
    const found = await findOrBuildTemporalCli({ env, log: (l) => logged.push(l) });
    assert.deepEqual(found, { path: cached, version: TEMPORAL_CLI_VERSION, source: 'cache' });
    assert.match(logged.join('\n'), /ignoring temporal 1\.0\.0 on PATH/);
  });

  it('explains how to install it when there is no CLI and no Go', async () => {
    const { env } = sandbox();
    await assert.rejects(findOrBuildTemporalCli({ env }), (err: unknown) => {
      assert.ok(err instanceof TemporalCliError);
      assert.match(err.message, /not found and Go is not installed/);
      assert.match(err.message, /TEMPORAL_CLI=/);
      return true;
    });
  });

  it('refuses a Go older than 1.25', async () => {
    const { bin, env } = sandbox();
    script(join(bin, 'go'), 'echo go1.22.3');
    await assert.rejects(findOrBuildTemporalCli({ env }), /Go 1\.22 is too old/);
  });

  it('leaves no half-written binary in the cache when the build fails', async () => {
    const { bin, env } = sandbox();
    // A Go that reports 1.26, writes a partial binary into GOBIN, then fails.
    script(
      join(bin, 'go'),
      'if [ "$1" = env ]; then echo go1.26.0; exit 0; fi\n' +
        'echo partial > "$GOBIN/temporal"\necho "go: downloading example.com/x v1.0.0" >&2\necho "build failed" >&2\nexit 1',
    );
    const logged: string[] = [];
    await assert.rejects(findOrBuildTemporalCli({ env, log: (l) => logged.push(l) }), /go install exited 1/);
    const cached = cachedCliPath(env);
    assert.equal(existsSync(cached), false);
    assert.deepEqual(readdirSync(join(cached, '..')), [], 'no scratch directory left behind');
    assert.match(logged.join('\n'), /one-time build/);
  });
});
