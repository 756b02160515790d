/** The Web UI tests fail without Chromium, and skip only when told to explicitly. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const HELPER = join(__dirname, '..', 'helpers', 'browser.js');

/** What the helper says in a process without Chromium, with `env` added. */
function withoutChromium(env: Record<string, string>): { skip: string; required: string } {
  const script = `const b = require(${JSON.stringify(HELPER)});
let required = 'ok';
try { b.requireChromium(); } catch (err) { required = err.message; }
console.log(JSON.stringify({ skip: b.browserSkipReason() ?? 'runs', required }));`;
  const { DURABLE_CRON_SKIP_BROWSER_TESTS: _skip, ...base } = process.env;
  const r = spawnSync(process.execPath, ['-e', script], {
    env: { ...base, CHROMIUM_PATH: '/nonexistent/chromium', ...env },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { skip: string; required: string };
}

describe('browser tests without Chromium', () => {
  it('run and fail, saying how to install Chromium and how to opt out', () => {
    const r = withoutChromium({});
    assert.equal(r.skip, 'runs');
    assert.match(r.required, /\/nonexistent\/chromium not found: install .*\(apt-get install chromium\)/);
    assert.match(r.required, /set DURABLE_CRON_SKIP_BROWSER_TESTS=1 to skip them$/);
  });

  it('skip only when DURABLE_CRON_SKIP_BROWSER_TESTS=1 opts out', () => {
    assert.match(
      withoutChromium({ DURABLE_CRON_SKIP_BROWSER_TESTS: '1' }).skip,
      /skipped: DURABLE_CRON_SKIP_BROWSER_TESTS=1/,
    );
    assert.equal(withoutChromium({ DURABLE_CRON_SKIP_BROWSER_TESTS: 'yes' }).skip, 'runs');
  });
});
