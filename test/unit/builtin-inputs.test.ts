/**
 * The input schemas of the built-in job types: defaults, and messages that name the field and the
 * valid values for everything a jobs file can get wrong.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { checkAllowHttpEntry, hostAllowed } from '../../activities/http';
import { BUILTIN_JOB_TYPES } from '../../src/job-types/builtin';
import { commandInput, toCommandSpec } from '../../src/job-types/command';
import { httpInput, parseStatus, toHttpRequest } from '../../src/job-types/http';

/** Every problem of `input` as `path: message`. */
function problems(schema: z.ZodType, input: unknown): string[] {
  const parsed = schema.safeParse(input);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
}

describe('http input', () => {
  it('applies the defaults: GET without a body, POST with one, 2xx, 30s, 1 MiB; JSON bodies get a content type', () => {
    const plain = httpInput.parse({ url: 'https://api.example.com/ping' });
    assert.deepEqual(plain, {
      url: 'https://api.example.com/ping',
      headers: {},
      expectStatus: ['2xx'],
      timeout: '30s',
      maxResponseBytes: 1_048_576,
    });
    assert.deepEqual(toHttpRequest(plain), {
      method: 'GET',
      url: 'https://api.example.com/ping',
      headers: {},
      expectStatus: [{ min: 200, max: 299 }],
      timeoutMs: 30_000,
      maxResponseBytes: 1_048_576,
    });
    const json = toHttpRequest(httpInput.parse({ url: 'http://h/', body: { a: [1, null] } }));
    assert.equal(json.method, 'POST');
    assert.equal(json.body, '{"a":[1,null]}');
    assert.deepEqual(json.headers, { 'Content-Type': 'application/json' });
    const own = toHttpRequest(
      httpInput.parse({ url: 'http://h/', method: 'put', body: [1], headers: { 'content-type': 'text/x' } }),
    );
    assert.equal(own.method, 'PUT');
    assert.deepEqual(own.headers, { 'content-type': 'text/x' });
    // What apply stores in the schedule parses again to the same value.
    const stored = httpInput.parse({ url: 'http://h/', expectStatus: 204 });
    assert.deepEqual(httpInput.parse(stored), stored);
    assert.deepEqual(stored.expectStatus, [204]);
  });

  it('rejects a bad method, url, expectStatus, timeout and limit, naming the field and the valid values', () => {
    assert.deepEqual(problems(httpInput, { url: 'https://h/', method: 'FETCH' }), [
      'method: "FETCH" is not a method (valid: GET, POST, PUT, PATCH, DELETE, HEAD)',
    ]);
    assert.deepEqual(problems(httpInput, { url: 'example.com/path' }), [
      "url: 'example.com/path' is not a URL: write an absolute http:// or https:// URL",
    ]);
    assert.deepEqual(problems(httpInput, { url: 'file:///etc/passwd' }), [
      "url: 'file:' URLs are not supported (valid: http, https)",
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://user:pw@h/' }), [
      'url: must not contain credentials (user:password@): send them in a header with a ${NAME} reference',
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://h/?token=${TOKEN}' }), [
      'url: ${NAME} references are resolved only in header values, not in url',
    ]);
    assert.deepEqual(problems(httpInput, {}), ['url: must be an http:// or https:// URL']);
    const forms = 'a code (200), a class (2xx) or a range (200-299), between 100 and 599';
    assert.deepEqual(
      problems(httpInput, { url: 'https://h/', expectStatus: ['2xx', 'ok', 700, '6xx', '300-200'] }),
      [
        `expectStatus.1: "ok" is not a status: use ${forms}`,
        `expectStatus.2: 700 is not a status: use ${forms}`,
        `expectStatus.3: "6xx" is not a status: use ${forms}`,
        `expectStatus.4: "300-200" is not a status: use ${forms}`,
      ],
    );
    assert.deepEqual(problems(httpInput, { url: 'https://h/', expectStatus: [] }), [
      `expectStatus: must list at least one status: ${forms}`,
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://h/', expectStatus: [true] }), [
      `expectStatus.0: must be ${forms}`,
    ]);
    assert.deepEqual(
      problems(httpInput, { url: 'https://h/', timeout: '30 seconds', maxResponseBytes: 20_000_000 }),
      [
        "timeout: '30 seconds' is not a duration: an integer with a unit ms, s, m, h or d, e.g. 30s, 10m, 1h30m",
        'maxResponseBytes: must be at most 10485760 (10 MiB)',
      ],
    );
    assert.deepEqual(problems(httpInput, { url: 'https://h/', timeout: '1h' }), [
      'timeout: must be at most 10m',
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://h/', retries: 3 }), [
      "unknown key 'retries' (valid keys: method, url, headers, body, expectStatus, timeout, maxResponseBytes)",
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://h/', method: 'GET', body: 'x' }), [
      'body: a GET request has no body (use POST, PUT, PATCH or DELETE)',
    ]);
  });

  it('checks header names, reserved headers, and the ${NAME} reference syntax', () => {
    assert.deepEqual(
      problems(httpInput, {
        url: 'https://h/',
        headers: {
          'Bad Name': 'x',
          'Idempotency-Key': 'mine',
          Host: 'other',
          'X-A': 'a',
          'x-a': 'b',
          'X-Ref': 'Bearer ${1TOKEN}',
          'X-Open': 'key ${TOKEN',
          'X-Ok': 'Bearer ${TOKEN} $HOME ${OTHER_2}',
        },
      }),
      [
        "headers.Bad Name: 'Bad Name' is not a header name (letters, digits and !#$%&'*+.^_`|~-)",
        'headers.Idempotency-Key: Idempotency-Key is set by durable-cron: <workflowId>/request',
        "headers.Host: 'Host' is set by the HTTP client and cannot be given",
        "headers.x-a: duplicate header: 'X-A' is already given",
        "headers.X-Ref: '${1TOKEN}' is not a reference: write ${NAME} with a name of letters, digits and underscores",
        "headers.X-Open: '${TOKEN' is not a reference: write ${NAME} with a name of letters, digits and underscores",
      ],
    );
    assert.deepEqual(problems(httpInput, { url: 'https://h/', headers: { 'X-Num': 5 } }), [
      'headers.X-Num: must be a string (quote numbers)',
    ]);
    assert.deepEqual(problems(httpInput, { url: 'https://h/', headers: ['X-A: 1'] }), [
      'headers: must be a mapping of header names to values',
    ]);
  });

  it('parses status forms', () => {
    assert.deepEqual(parseStatus('2xx'), { min: 200, max: 299 });
    assert.deepEqual(parseStatus('4XX'), { min: 400, max: 499 });
    assert.deepEqual(parseStatus(204), { min: 204, max: 204 });
    assert.deepEqual(parseStatus('200-204'), { min: 200, max: 204 });
    assert.equal(parseStatus(99), undefined);
    assert.equal(parseStatus('2x'), undefined);
  });
});

describe('--allow-http entries', () => {
  it('host allows every port, host:port one port, * any host; invalid entries are explained', () => {
    const url = (u: string) => new URL(u);
    assert.equal(hostAllowed(url('https://API.example.com/x'), ['api.example.com']), true);
    assert.equal(hostAllowed(url('http://api.example.com:8080/'), ['api.example.com']), true);
    assert.equal(hostAllowed(url('https://api.example.com/'), ['api.example.com:443']), true);
    assert.equal(hostAllowed(url('http://api.example.com/'), ['api.example.com:443']), false);
    assert.equal(hostAllowed(url('https://evil.com/'), ['api.example.com']), false);
    assert.equal(hostAllowed(url('https://api.example.com.evil.com/'), ['api.example.com']), false);
    assert.equal(hostAllowed(url('http://[::1]:8443/'), ['[::1]:8443']), true);
    assert.equal(hostAllowed(url('http://10.0.0.5/'), ['*']), true);
    assert.equal(hostAllowed(url('http://10.0.0.5/'), []), false);
    for (const ok of ['api.example.com', '10.0.0.5:8080', '[::1]:8443', '*', 'localhost']) {
      assert.equal(checkAllowHttpEntry(ok), undefined, ok);
    }
    for (const bad of [
      'https://api.example.com',
      'api.example.com/path',
      'host:99999',
      '*.example.com',
      '',
    ]) {
      assert.match(checkAllowHttpEntry(bad) ?? '', /is not a host: use a host name or IP address/, bad);
    }
  });
});

describe('command input', () => {
  it('applies the defaults', () => {
    const input = commandInput.parse({ argv: ['pg_dump', 'app'] });
    assert.deepEqual(input, {
      argv: ['pg_dump', 'app'],
      env: [],
      vars: {},
      timeout: '10m',
      killGrace: '10s',
      outputTailBytes: 4096,
    });
    assert.deepEqual(toCommandSpec(input), {
      argv: ['pg_dump', 'app'],
      env: [],
      vars: {},
      timeoutMs: 600_000,
      killGraceMs: 10_000,
      outputTailBytes: 4096,
    });
  });

  it('rejects what a jobs file can get wrong, naming the field', () => {
    assert.deepEqual(problems(commandInput, { argv: [] }), ['argv: must list at least the program']);
    assert.deepEqual(problems(commandInput, { argv: 'backup.sh --full' }), [
      'argv: must be a list of strings: the program, then its arguments (no shell)',
    ]);
    assert.deepEqual(problems(commandInput, { argv: ['', 3] }), ['argv.1: must be a string (quote numbers)']);
    assert.deepEqual(problems(commandInput, { argv: [''] }), ['argv.0: the program must not be empty']);
    assert.deepEqual(
      problems(commandInput, {
        argv: ['x'],
        cwd: 'relative/dir',
        env: ['OK_NAME', 'BAD-NAME', 'DURABLE_CRON_JOB_ID', 'MODE'],
        vars: { MODE: 'a', '1X': 'b' },
        timeout: 'forever',
        outputTailBytes: 1_000_000,
      }),
      [
        'cwd: must be an absolute path',
        "env.1: 'BAD-NAME' is not a variable name (letters, digits and underscores, not starting with a digit)",
        'env.2: DURABLE_CRON_* variables are set by durable-cron and cannot be given',
        "vars.1X: '1X' is not a variable name (letters, digits and underscores, not starting with a digit)",
        "timeout: 'forever' is not a duration: an integer with a unit ms, s, m, h or d, e.g. 30s, 10m, 1h30m",
        'outputTailBytes: must be at most 65536 (64 KiB)',
        'vars.MODE: MODE is also in env: give it in one of env and vars',
      ],
    );
    assert.deepEqual(problems(commandInput, { argv: ['x'], env: ['MODE'], vars: { MODE: 'a' } }), [
      'vars.MODE: MODE is also in env: give it in one of env and vars',
    ]);
  });
});

describe('BUILTIN_JOB_TYPES', () => {
  it('lists http (step request) and command (step run) with their default policies', () => {
    assert.deepEqual(
      BUILTIN_JOB_TYPES.map((t) => [t.name, t.workflowType, t.steps.map((s) => [s.name, s.activity])]),
      [
        ['http', 'http', [['request', 'http.request']]],
        ['command', 'command', [['run', 'command.run']]],
      ],
    );
    const [http, command] = BUILTIN_JOB_TYPES;
    assert.deepEqual(http?.steps[0]?.policy, {
      startToCloseTimeout: '11m',
      heartbeatTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
    });
    assert.deepEqual(command?.steps[0]?.policy, {
      startToCloseTimeout: '1h',
      heartbeatTimeout: '30s',
      retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 3 },
    });
  });
});
