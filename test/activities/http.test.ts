/**
 * The `http` job type's step alone (MockActivityEnvironment, through the same adapter the worker
 * uses) against a real HTTP server on 127.0.0.1: which outcomes are retryable, the idempotency key,
 * `Retry-After`, the allow-list, secrets from the worker's environment, limits and cancellation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CancelledFailure } from '@temporalio/common';
import { retryAfterMs, type HttpResult } from '../../activities/http';
import type { ActivityDeps } from '../../activities/deps';
import { httpJobType } from '../../src/job-types/http';
import { attemptEnv, failureOf, runStep, stepActivity } from '../helpers/step-activity';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('http job type: the request step', () => {
  let server: Server;
  let base: string;
  let port: number;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let received: Received[];
  const deps: ActivityDeps = { dataDir: '/nonexistent', allowHttp: ['127.0.0.1'], env: {} };
  const request = stepActivity(httpJobType, 'request', deps);
  const run = (wf: string, input: unknown, attempt = 1) =>
    runStep(attemptEnv(wf, attempt), request, 'h', input);

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        handler(req, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  beforeEach(() => {
    received = [];
    handler = (_req, res) => res.end('ok');
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('503 is a retryable failure, the next attempt succeeds; both send the same Idempotency-Key', async () => {
    const wf = `http-${randomUUID()}`;
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(calls === 1 ? 'down for maintenance' : 'done');
    };
    const input = { method: 'POST', url: `${base}/hook`, body: { hello: 'world' } };
    const first = await failureOf(run(wf, input, 1));
    assert.equal(first.type, 'HttpServerError');
    assert.equal(first.nonRetryable, false);
    assert.match(first.message, /^POST http:\/\/127\.0\.0\.1:\d+\/hook answered 503 Service Unavailable$/);
    assert.deepEqual(first.details, [{ status: 503, body: 'down for maintenance' }]);

    const result = (await run(wf, input, 2)) as HttpResult;
    assert.equal(result.status, 200);
    assert.equal(result.body, 'done');
    assert.deepEqual(result.headers, { 'content-type': 'text/plain' });
    assert.equal(result.bytes, 4);
    assert.equal(result.truncated, false);
    assert.equal(typeof result.durationMs, 'number');

    assert.equal(received.length, 2);
    for (const r of received) {
      assert.equal(r.headers['idempotency-key'], `${wf}/request`);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body, '{"hello":"world"}');
    }
  });

  it('400 is a non-retryable HttpClientError; a 3xx is not followed and is an unexpected status', async () => {
    handler = (_req, res) => {
      res.writeHead(400);
      res.end('bad request: missing field');
    };
    const failure = await failureOf(run(`http-${randomUUID()}`, { url: `${base}/x` }));
    assert.equal(failure.type, 'HttpClientError');
    assert.equal(failure.nonRetryable, true);
    assert.match(
      failure.message,
      /^GET http:\/\/127\.0\.0\.1:\d+\/x answered 400 Bad Request; expected 200-299$/,
    );

    handler = (_req, res) => {
      res.writeHead(302, { location: 'http://elsewhere.invalid/' });
      res.end();
    };
    const redirect = await failureOf(run(`http-${randomUUID()}`, { url: `${base}/old` }));
    assert.equal(redirect.type, 'HttpUnexpectedStatus');
    assert.equal(redirect.nonRetryable, true);
    assert.match(redirect.message, /redirects are not followed: Location: http:\/\/elsewhere\.invalid\//);
    assert.equal(received.length, 2, 'the redirect was not followed');

    const expected = (await run(`http-${randomUUID()}`, {
      url: `${base}/old`,
      expectStatus: ['2xx', 302],
    })) as HttpResult;
    assert.equal(expected.status, 302);
    assert.equal(expected.headers.location, 'http://elsewhere.invalid/');
  });

  it('429 with Retry-After is retryable after the delay the server asked for', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
    };
    const failure = await failureOf(
      run(`http-${randomUUID()}`, { url: `${base}/limited`, method: 'PUT', body: 'x' }),
    );
    assert.equal(failure.type, 'HttpTooManyRequests');
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 7000);
    assert.match(failure.message, /answered 429 Too Many Requests \(Retry-After: 7s\)$/);

    const now = Date.parse('2026-11-20T03:00:00Z');
    assert.equal(retryAfterMs('Fri, 20 Nov 2026 03:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Fri, 20 Nov 2026 02:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('86400', now), 3_600_000, 'capped at 1h');
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
  });

  it('a host missing from --allow-http fails non-retryably before anything is sent', async () => {
    const narrow = stepActivity(httpJobType, 'request', {
      ...deps,
      allowHttp: ['api.example.com', '127.0.0.1:1'],
    });
    const failure = await failureOf(
      runStep(attemptEnv(`http-${randomUUID()}`), narrow, 'h', { url: `${base}/` }),
    );
    assert.equal(failure.type, 'HttpHostNotAllowed');
    assert.equal(failure.nonRetryable, true);
    assert.equal(
      failure.message,
      `host '127.0.0.1:${port}' is not allowed on this worker: start the worker with --allow-http 127.0.0.1:${port}`,
    );
    const none = stepActivity(httpJobType, 'request', { dataDir: '/nonexistent' });
    const refused = await failureOf(
      runStep(attemptEnv(`http-${randomUUID()}`), none, 'h', { url: `${base}/` }),
    );
    assert.equal(refused.type, 'HttpHostNotAllowed');
    assert.equal(received.length, 0);

    const any = stepActivity(httpJobType, 'request', { dataDir: '/nonexistent', allowHttp: ['*'] });
    const result = (await runStep(attemptEnv(`http-${randomUUID()}`), any, 'h', {
      url: `${base}/`,
    })) as HttpResult;
    assert.equal(result.status, 200);
  });

  it('${NAME} header references come from the worker environment and never reach the result or a failure', async () => {
    const secret = `s3cr3t-${randomUUID()}`;
    const withEnv = stepActivity(httpJobType, 'request', { ...deps, env: { API_TOKEN: secret } });
    const input = {
      url: `${base}/secure`,
      headers: { Authorization: 'Bearer ${API_TOKEN}', 'X-Plain': 'visible' },
    };
    // A careless server echoes the credentials back.
    handler = (req, res) => res.end(`you sent ${req.headers.authorization}`);
    const result = (await runStep(attemptEnv(`http-${randomUUID()}`), withEnv, 'h', input)) as HttpResult;
    assert.equal(received[0]?.headers.authorization, `Bearer ${secret}`);
    assert.equal(received[0]?.headers['x-plain'], 'visible');
    assert.equal(result.body, 'you sent Bearer ***');
    assert.ok(!JSON.stringify(result).includes(secret));

    handler = (req, res) => {
      res.writeHead(500);
      res.end(`you sent ${req.headers.authorization}`);
    };
    const failure = await failureOf(runStep(attemptEnv(`http-${randomUUID()}`), withEnv, 'h', input));
    assert.equal(failure.type, 'HttpServerError');
    assert.ok(!JSON.stringify([failure.message, failure.details]).includes(secret));

    const missing = await failureOf(run(`http-${randomUUID()}`, input));
    assert.equal(missing.type, 'EnvNotSet');
    assert.equal(missing.nonRetryable, true);
    assert.match(missing.message, /header 'Authorization' refers to \$\{API_TOKEN\}, which is not set/);
    assert.equal(received.length, 2, 'nothing is sent without the variable');

    const broken = stepActivity(httpJobType, 'request', {
      ...deps,
      env: { API_TOKEN: `${secret}\r\nX-Evil: 1` },
    });
    const invalid = await failureOf(runStep(attemptEnv(`http-${randomUUID()}`), broken, 'h', input));
    assert.equal(invalid.type, 'HttpInvalidHeader');
    assert.ok(!invalid.message.includes(secret));
    assert.match(
      invalid.message,
      /header 'Authorization' would contain a line break or NUL \(from \$\{API_TOKEN\}\)/,
    );
  });

  it('a body over maxResponseBytes fails non-retryably, declared or streamed; a big one is truncated in the result', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end('x'.repeat(5000));
    };
    const declared = await failureOf(
      run(`http-${randomUUID()}`, { url: `${base}/big`, maxResponseBytes: 1000 }),
    );
    assert.equal(declared.type, 'HttpResponseTooLarge');
    assert.equal(declared.nonRetryable, true);
    assert.match(declared.message, /declares 5000 bytes, above maxResponseBytes 1000/);

    handler = (_req, res) => {
      res.write('y'.repeat(800));
      setTimeout(() => res.end('y'.repeat(800)), 20);
    };
    const streamed = await failureOf(
      run(`http-${randomUUID()}`, { url: `${base}/big`, maxResponseBytes: 1000 }),
    );
    assert.equal(streamed.type, 'HttpResponseTooLarge');
    assert.match(streamed.message, /is over 1000 bytes/);

    handler = (_req, res) => res.end('z'.repeat(10_000));
    const big = (await run(`http-${randomUUID()}`, { url: `${base}/big` })) as HttpResult;
    assert.equal(big.bytes, 10_000);
    assert.equal(big.body.length, 4096);
    assert.equal(big.truncated, true);
  });

  it('no response within the timeout is a retryable HttpTimeout; a closed port a retryable HttpNetworkError', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    const timedOut = await failureOf(run(`http-${randomUUID()}`, { url: `${base}/slow`, timeout: '300ms' }));
    assert.equal(timedOut.type, 'HttpTimeout');
    assert.equal(timedOut.nonRetryable, false);
    assert.match(timedOut.message, /no complete response within 300ms/);
    assert.ok(Date.now() - started < 5000);

    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const refused = await failureOf(run(`http-${randomUUID()}`, { url: `http://127.0.0.1:${closedPort}/` }));
    assert.equal(refused.type, 'HttpNetworkError');
    assert.equal(refused.nonRetryable, false);
    assert.match(refused.message, /ECONNREFUSED/);
  });

  it("a step timeout shorter than the input's timeout ends the request before the step's timeout", async () => {
    handler = () => {}; // never answers
    const env = attemptEnv(`http-${randomUUID()}`, 1, { startToCloseTimeoutMs: 1500 });
    const failure = await failureOf(runStep(env, request, 'h', { url: `${base}/slow`, timeout: '1m' }));
    assert.equal(failure.type, 'HttpTimeout');
    assert.match(
      failure.message,
      /no complete response within 500ms \(the step's timeout 1s500ms minus a margin: raise steps\.request\.timeout above the input's timeout 1m\)$/,
    );
  });

  it('cancelling the step aborts the request', async () => {
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    handler = () => arrived(); // never answers
    const env = attemptEnv(`http-${randomUUID()}`);
    const pending = runStep(env, request, 'h', { url: `${base}/slow`, timeout: '1m' });
    await requestArrived;
    env.cancel();
    await assert.rejects(pending, (err) => err instanceof CancelledFailure);
  });

  it('GET is the default without a body, HEAD reads no body, string bodies are sent as written', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    };
    const get = (await run(`http-${randomUUID()}`, { url: `${base}/a?x=1` })) as HttpResult;
    const head = (await run(`http-${randomUUID()}`, { url: `${base}/a`, method: 'head' })) as HttpResult;
    await run(`http-${randomUUID()}`, {
      url: `${base}/a`,
      method: 'PATCH',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.deepEqual(
      received.map((r) => [r.method, r.url, r.body, r.headers['content-type']]),
      [
        ['GET', '/a?x=1', '', undefined],
        ['HEAD', '/a', '', undefined],
        ['PATCH', '/a', 'a=1', 'application/x-www-form-urlencoded'],
      ],
    );
    assert.equal(get.body, 'hello');
    assert.equal(head.body, '');
    assert.equal(head.bytes, 0);
  });

  it('an input that fails its schema (a run started by hand) is a non-retryable InvalidInput', async () => {
    const failure = await failureOf(run(`http-${randomUUID()}`, { url: 'ftp://example.com/' }));
    assert.equal(failure.type, 'InvalidInput');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /input\.url: 'ftp:' URLs are not supported \(valid: http, https\)/);
  });
});
