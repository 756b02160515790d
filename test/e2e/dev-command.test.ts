/** `durable-cron dev` through the real CLI: detach with a pid file, reuse, stop. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answers, freePort } from '../../src/dev-server/dev-server';
import { runCli } from '../helpers/cli';

describe('durable-cron dev', () => {
  it('--detach starts a server with a pid file, a second start reuses it, --stop stops it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dc-dev-'));
    const port = await freePort();
    const uiPort = await freePort();
    const address = `127.0.0.1:${port}`;
    try {
      const started = await runCli(
        ['dev', '--detach', '--port', String(port), '--ui-port', String(uiPort), '--json'],
        {},
        cwd,
      );
      assert.equal(started.code, 0, started.stderr);
      const info = JSON.parse(started.stdout) as {
        address: string;
        pid: number;
        reused: boolean;
        uiUrl: string;
      };
      assert.equal(info.address, address);
      assert.equal(info.reused, false);
      assert.equal(info.uiUrl, `http://localhost:${uiPort}`);
      assert.equal(readFileSync(join(cwd, '.data', `temporal-${port}.pid`), 'utf8').trim(), String(info.pid));
      assert.ok(existsSync(join(cwd, '.data', 'temporal.db')), 'persistent SQLite database by default');
      assert.equal(await answers(address, 2_000), true);

      const again = await runCli(['dev', '--detach', '--port', String(port), '--json'], {}, cwd);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((JSON.parse(again.stdout) as { reused: boolean }).reused, true);

      const setup = await runCli(['setup', '--address', address, '--json'], {}, cwd);
      assert.equal(setup.code, 0, setup.stderr);
    } finally {
      const stopped = await runCli(['dev', '--stop', '--port', String(port)], {}, cwd);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, new RegExp(`Stopped the Temporal dev server on port ${port}`));
    }
    assert.equal(await answers(address, 1_000), false);
    assert.equal(existsSync(join(cwd, '.data', `temporal-${port}.pid`)), false);
  });

  it('rejects a bad port with the flag named', async () => {
    const result = await runCli(['dev', '--port', '99999']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), "error: --port '99999' must be a port number 1-65535");
  });
});
