/**
 * `durable-cron codec-server` as a user runs it: /encode then /decode over HTTP gives back the
 * payloads; CORS headers only for the allowed origin (preflight included); 401 without the bearer
 * token; 403 for another namespace in X-Namespace; bad flags refused in one line.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';
import { eventually } from '../helpers/temporal';

const key = randomBytes(32).toString('base64');
const token = randomBytes(24).toString('hex');
const UI_ORIGIN = 'http://localhost:18233';

interface JsonPayloads {
  payloads: { metadata: Record<string, string>; data: string }[];
}

describe('codec-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-codec-server-'));
  let server: ChildProcess | undefined;
  let url = '';
  let stdout = '';
  let stderr = '';

  before(async () => {
    writeFileSync(join(dir, 'keys'), `# newest first\nk1:${key}\n`);
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('DURABLE_CRON_'),
      ),
    );
    server = spawn(
      process.execPath,
      [
        CLI,
        '--codec-key-file',
        join(dir, 'keys'),
        'codec-server',
        '--port',
        '0',
        '--ui-origin',
        `${UI_ORIGIN}/some/path`,
        '--token-file',
        join(dir, 'token'),
        '--json',
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    server.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    server.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const started = await eventually('the codec server to print its URL', () => {
      if (server?.exitCode !== null) throw new Error(`codec-server exited: ${stderr}`);
      try {
        return Promise.resolve(JSON.parse(stdout) as { url: string; uiOrigin: string; token: boolean });
      } catch {
        return Promise.resolve(undefined);
      }
    });
    url = started.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(started.uiOrigin, UI_ORIGIN);
    assert.equal(started.token, true);
  });

  after(() => {
    if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('/encode then /decode returns the original payloads; the encoded ones hide the plaintext', async () => {
    const original: JsonPayloads = {
      payloads: [
        {
          metadata: { encoding: Buffer.from('json/plain').toString('base64') },
          data: Buffer.from(JSON.stringify({ secret: 'codec-server-marker' })).toString('base64'),
        },
      ],
    };
    const encoded = await post('/encode', original, { 'X-Namespace': 'default' });
    assert.equal(encoded.status, 200);
    const encrypted = (await encoded.json()) as JsonPayloads;
    const first = encrypted.payloads[0];
    assert.ok(first);
    assert.equal(Buffer.from(first.metadata.encoding ?? '', 'base64').toString(), 'binary/encrypted');
    assert.equal(Buffer.from(first.metadata['encryption-key-id'] ?? '', 'base64').toString(), 'k1');
    assert.ok(!Buffer.from(first.data, 'base64').includes('codec-server-marker'));
    // Mounted under a prefix, as behind a proxy: only the last part of the path counts.
    const decoded = await post('/codec/default/decode', encrypted);
    assert.equal(decoded.status, 200);
    assert.deepEqual(await decoded.json(), original);
  });

  it('CORS: headers for the UI origin only, preflight included; never for another origin', async () => {
    const preflight = await fetch(`${url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/i);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = await post('/decode', { payloads: [] }, { Origin: UI_ORIGIN });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), UI_ORIGIN);
    for (const origin of ['http://evil.example', 'http://localhost:18234']) {
      const other = await fetch(`${url}/decode`, { method: 'OPTIONS', headers: { Origin: origin } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      const posted = await post('/decode', { payloads: [] }, { Origin: origin });
      assert.equal(posted.headers.get('access-control-allow-origin'), null);
    }
  });

  it('401 without the token or with a wrong one; 403 for another namespace; 400 for a bad body', async () => {
    const none = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"payloads":[]}',
    });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await post('/decode', { payloads: [] }, { Authorization: 'Bearer nope' })).status, 401);
    const otherNamespace = await post('/decode', { payloads: [] }, { 'X-Namespace': 'prod' });
    assert.equal(otherNamespace.status, 403);
    const bad = await post('/decode', { nothing: true });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /payloads/);
    const unknownKey = await post('/decode', {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('k0').toString('base64'),
          },
          data: randomBytes(40).toString('base64'),
        },
      ],
    });
    assert.equal(unknownKey.status, 400);
    const message = ((await unknownKey.json()) as { error: string }).error;
    assert.match(message, /key id 'k0'/);
    assert.ok(!message.includes(key));
    assert.ok(!stdout.includes(key) && !stderr.includes(key) && !stdout.includes(token));
  });

  it('without keys, or with bad flags, it stops with one line', async () => {
    const noKeys = await runCli(['codec-server', '--port', '0']);
    assert.equal(noKeys.code, 2);
    assert.match(
      noKeys.stderr.trim(),
      /^error: codec-server needs the codec keys: set DURABLE_CRON_CODEC_KEYS/,
    );
    const env = { DURABLE_CRON_CODEC_KEYS: `k1:${key}` };
    const badPort = await runCli(['codec-server', '--port', 'x'], env);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr.trim(), /^error: --port 'x' must be a port number/);
    const badOrigin = await runCli(['codec-server', '--port', '0', '--ui-origin', 'localhost'], env);
    assert.equal(badOrigin.code, 2);
    assert.match(badOrigin.stderr.trim(), /^error: --ui-origin 'localhost'/);
    const noToken = await runCli(['codec-server', '--port', '0', '--token-file', join(dir, 'missing')], env);
    assert.equal(noToken.code, 2);
    assert.match(
      noToken.stderr.trim(),
      /^error: --token-file .*missing: cannot read the token file \(ENOENT\)$/,
    );
  });
});
