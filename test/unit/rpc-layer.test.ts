/**
 * The client RPC layer without Temporal: the retry policy given to the SDK's retry interceptor
 * (which statuses, how many attempts, which delays) and RPC counting by kind (scopes, retries
 * counted from outside the caller's context, concurrent scopes kept apart), then the production
 * chain against a grpc-js server that fails on cue. schedules-apply.test.ts runs the same chain
 * against a real Temporal server with injected faults.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type InterceptingCall,
  type InterceptorOptions,
  type ServiceDefinition,
  type StatusObject,
} from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { clientInterceptors } from '../../src/connection';
import {
  RPC_ATTEMPTS,
  RPC_MAX_RETRY_DELAY_MS,
  isRetryableStatus,
  retryDelayMs,
  retryOptionsFor,
} from '../../src/grpc-retry';
import {
  countRpcs,
  newRpcCounts,
  rpcCountInterceptor,
  rpcKindOf,
  rpcScopeInterceptor,
  totalRpcs,
} from '../../src/schedules/rpc';

const statusOf = (code: status, details = ''): StatusObject => ({ code, details, metadata: new Metadata() });
const METHOD = '/temporal.api.workflowservice.v1.WorkflowService/';
const tick = () => new Promise<void>((done) => setImmediate(done));

describe('retry policy', () => {
  it('retries transient statuses and nothing a retry cannot fix', () => {
    for (const code of [status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.ABORTED]) {
      assert.equal(isRetryableStatus(statusOf(code)), true, status[code]);
    }
    for (const code of [
      status.OK,
      status.INVALID_ARGUMENT,
      status.NOT_FOUND,
      status.ALREADY_EXISTS,
      status.PERMISSION_DENIED,
      status.UNAUTHENTICATED,
      status.FAILED_PRECONDITION,
      status.CANCELLED,
    ]) {
      assert.equal(isRetryableStatus(statusOf(code)), false, status[code]);
    }
    // Transient HTTP/2 resets are retried (the SDK's rule), a TLS alert is not.
    assert.equal(isRetryableStatus(statusOf(status.INTERNAL, 'Received RST_STREAM with code 2')), true);
    assert.equal(
      isRetryableStatus(statusOf(status.INTERNAL, 'Received RST_STREAM with code 2: SSL alert number 42')),
      false,
    );
  });

  it('retries DEADLINE_EXCEEDED only for a call without a deadline of its own', () => {
    const exceeded = statusOf(status.DEADLINE_EXCEEDED);
    assert.equal(isRetryableStatus(exceeded), true, 'the server gave up');
    assert.equal(isRetryableStatus(exceeded, { deadline: Infinity }), true);
    assert.equal(isRetryableStatus(exceeded, { deadline: Date.now() + 60_000 }), false);
    assert.equal(isRetryableStatus(exceeded, { deadline: new Date(Date.now() - 1) }), false);
  });

  it(`makes at most ${RPC_ATTEMPTS} attempts per call`, () => {
    const { retryableDecider } = retryOptionsFor({});
    const unavailable = statusOf(status.UNAVAILABLE);
    const attempts = Array.from({ length: 10 }, (_, i) => i + 1).filter((a) =>
      retryableDecider(a, unavailable),
    );
    // A retry follows each failed attempt but the last.
    assert.deepEqual(
      attempts,
      Array.from({ length: RPC_ATTEMPTS - 1 }, (_, i) => i + 1),
    );
    assert.equal(retryableDecider(1, statusOf(status.INVALID_ARGUMENT)), false);
  });

  it('backs off from 100 ms doubling (1 s for an overloaded server), at most 5 s, ±20 %', () => {
    const middle = (attempt: number, code: status) => retryDelayMs(attempt, statusOf(code), 0.5);
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => middle(a, status.UNAVAILABLE)),
      [100, 200, 400, 800],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => middle(a, status.RESOURCE_EXHAUSTED)),
      [1000, 2000, 4000, RPC_MAX_RETRY_DELAY_MS],
    );
    assert.equal(retryDelayMs(1, statusOf(status.UNAVAILABLE), 0), 80);
    assert.ok(retryDelayMs(1, statusOf(status.UNAVAILABLE), 0.999) < 120);
  });
});

describe('RPC counting', () => {
  it('maps workflow service methods to kinds and leaves others uncounted', () => {
    assert.equal(rpcKindOf(`${METHOD}CreateSchedule`), 'create');
    assert.equal(rpcKindOf(`${METHOD}ListWorkflowExecutions`), 'list');
    assert.equal(rpcKindOf(`${METHOD}DescribeWorkflowExecution`), 'describe');
    assert.equal(rpcKindOf(`${METHOD}ListScheduleMatchingTimes`), 'matchingTimes');
    assert.equal(rpcKindOf(`${METHOD}GetSystemInfo`), undefined);
    assert.equal(rpcKindOf(`${METHOD}constructor`), undefined);
    assert.equal(
      rpcKindOf('/temporal.api.operatorservice.v1.OperatorService/ListSearchAttributes'),
      undefined,
    );
  });

  // One call through the scope interceptor, then `attempts` attempts through the count interceptor
  // from outside the caller's context (as the retry layer sends them, from gRPC's callbacks).
  const call = (method: string): ((attempts: number) => void) => {
    let below: InterceptorOptions | undefined;
    const options = { method_definition: { path: `${METHOD}${method}` } } as InterceptorOptions;
    rpcScopeInterceptor(options, (o) => {
      below = o;
      return {} as InterceptingCall;
    });
    return (attempts) => {
      for (let i = 0; i < attempts; i += 1)
        rpcCountInterceptor(below as InterceptorOptions, () => ({}) as InterceptingCall);
    };
  };

  it('counts each attempt into the scope the call was made in, retries included', async () => {
    const counts = newRpcCounts();
    const send = await countRpcs(counts, async () => {
      await tick();
      return call('CreateSchedule');
    });
    send(3);
    call('DeleteSchedule')(1); // made outside any scope: not counted
    assert.equal(counts.create, 3);
    assert.equal(totalRpcs(counts), 3);
  });

  it('keeps concurrent scopes apart and adds nested scopes to the enclosing ones', async () => {
    const a = newRpcCounts();
    const b = newRpcCounts();
    const inner = newRpcCounts();
    await Promise.all([
      countRpcs(a, async () => {
        await tick();
        call('ListSchedules')(1);
        await countRpcs(inner, async () => {
          await tick();
          call('UpdateSchedule')(2);
        });
        // The same counts again: counted once.
        await countRpcs(a, async () => {
          await tick();
          call('PatchSchedule')(1);
        });
      }),
      countRpcs(b, async () => {
        await tick();
        call('StartWorkflowExecution')(1);
      }),
    ]);
    assert.deepEqual([a.list, a.update, a.patch, a.start], [1, 2, 1, 0]);
    assert.deepEqual([inner.update, totalRpcs(inner)], [2, 2]);
    assert.deepEqual([b.start, totalRpcs(b)], [1, 1]);
  });

  it('puts the count scope on top, the retry layer next, the per-attempt count and faults below', () => {
    const fault = () => ({}) as InterceptingCall;
    const chain = clientInterceptors({ nearWire: [fault] });
    assert.equal(chain.length, 4);
    assert.equal(chain[0], rpcScopeInterceptor);
    assert.equal(chain[2], rpcCountInterceptor);
    assert.equal(chain[3], fault);
  });
});

describe('the production chain against a failing server', () => {
  const bytes = (b: Buffer) => b;
  const method = (name: string) => ({
    path: `${METHOD}${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  });
  type Reply = (err: Partial<StatusObject> | null, value?: Buffer) => void;
  const seen = { create: 0, delete: 0 };
  let server: Server;
  let connection: Connection;

  before(async () => {
    server = new Server();
    const service = {
      GetSystemInfo: method('GetSystemInfo'),
      CreateSchedule: method('CreateSchedule'),
      DeleteSchedule: method('DeleteSchedule'),
    } as ServiceDefinition;
    server.addService(service, {
      GetSystemInfo: (_: unknown, reply: Reply) => reply(null, Buffer.alloc(0)),
      // Unavailable twice, then fine.
      CreateSchedule: (_: unknown, reply: Reply) =>
        ++seen.create <= 2
          ? reply({ code: status.UNAVAILABLE, details: 'down' })
          : reply(null, Buffer.alloc(0)),
      // The server gives up every time.
      DeleteSchedule: (_: unknown, reply: Reply) => {
        seen.delete += 1;
        reply({ code: status.DEADLINE_EXCEEDED, details: 'server gave up' });
      },
    });
    const port = await new Promise<number>((done, fail) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? fail(err) : done(p),
      ),
    );
    connection = await Connection.connect({
      address: `127.0.0.1:${port}`,
      interceptors: clientInterceptors(),
    });
  });
  after(async () => {
    await connection?.close();
    server?.forceShutdown();
  });

  it('retries on gRPC callbacks and counts every attempt sent', async () => {
    const counts = newRpcCounts();
    await countRpcs(counts, () =>
      connection.workflowService.createSchedule({ namespace: 'default', scheduleId: 'retried' }),
    );
    assert.equal(seen.create, 3);
    assert.equal(counts.create, 3);

    await assert.rejects(
      countRpcs(counts, () =>
        connection.workflowService.deleteSchedule({ namespace: 'default', scheduleId: 'x' }),
      ),
      (err: { code?: number }) => err.code === status.DEADLINE_EXCEEDED,
    );
    assert.equal(seen.delete, RPC_ATTEMPTS, 'the server gave up: retried up to the attempt bound');
    assert.equal(counts.delete, RPC_ATTEMPTS);
  });

  it('does not retry DEADLINE_EXCEEDED for a call with a deadline of its own', async () => {
    seen.delete = 0;
    await assert.rejects(
      connection.withDeadline(Date.now() + 60_000, () =>
        connection.workflowService.deleteSchedule({ namespace: 'default', scheduleId: 'x' }),
      ),
    );
    assert.equal(seen.delete, 1);
  });
});
