/**
 * Sending many RPCs: counted by kind where they go on the wire (so `apply` can report exactly what
 * it sent, retries included), and run with bounded concurrency.
 *
 * Counting has two parts on a connection from `connectClient` (see `clientInterceptors`):
 * {@link rpcScopeInterceptor} on top notes which counts the caller asked for (with
 * {@link countRpcs}), and {@link rpcCountInterceptor} below the retry layer adds each attempt.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InterceptingCall, type Interceptor, type InterceptorOptions } from '@grpc/grpc-js';

/**
 * The kinds of RPC apply and the schedule commands send: `list` (schedules or workflow runs),
 * `describe` (a schedule or a run), `create`/`update`/`delete`/`patch` (a schedule), `start` (a
 * workflow run a backfill starts itself, see start-fires.ts), `matchingTimes` (a schedule's fire
 * times as the server computes them, see matching-times.ts).
 */
export type RpcKind =
  'list' | 'describe' | 'create' | 'update' | 'delete' | 'patch' | 'start' | 'matchingTimes';

/** RPCs sent, by kind (retries included). */
export type RpcCounts = Record<RpcKind, number>;

/** A fresh set of zero counts. */
export function newRpcCounts(): RpcCounts {
  return { list: 0, describe: 0, create: 0, update: 0, delete: 0, patch: 0, start: 0, matchingTimes: 0 };
}

/** Total RPCs of a count set. */
export function totalRpcs(counts: RpcCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

const WORKFLOW_SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';

const KIND_OF_METHOD = new Map<string, RpcKind>([
  ['ListSchedules', 'list'],
  ['ListWorkflowExecutions', 'list'],
  ['DescribeSchedule', 'describe'],
  ['DescribeWorkflowExecution', 'describe'],
  ['CreateSchedule', 'create'],
  ['UpdateSchedule', 'update'],
  ['DeleteSchedule', 'delete'],
  ['PatchSchedule', 'patch'],
  ['StartWorkflowExecution', 'start'],
  ['ListScheduleMatchingTimes', 'matchingTimes'],
]);

/**
 * The kind of a gRPC method, e.g. `create` for
 * `/temporal.api.workflowservice.v1.WorkflowService/CreateSchedule`; undefined for methods of no
 * kind (those are not counted).
 */
export function rpcKindOf(methodPath: string): RpcKind | undefined {
  if (!methodPath.startsWith(WORKFLOW_SERVICE)) return undefined;
  return KIND_OF_METHOD.get(methodPath.slice(WORKFLOW_SERVICE.length));
}

// The count sets of the countRpcs scopes the current code runs in, innermost last.
const scopes = new AsyncLocalStorage<readonly RpcCounts[]>();

/**
 * Runs `body`, adding every RPC it sends through a connection from `connectClient` to `counts`
 * (and to the counts of enclosing scopes). Scopes of other operations, even concurrent ones on the
 * same connection, are not affected.
 */
export async function countRpcs<T>(counts: RpcCounts, body: () => Promise<T>): Promise<T> {
  const outer = scopes.getStore() ?? [];
  if (outer.includes(counts)) return body();
  return scopes.run([...outer, counts], body);
}

// Per call: the counts its attempts go to (keyed by the options the retry layer passes down).
const callCounts = new WeakMap<InterceptorOptions, readonly RpcCounts[]>();

/**
 * Client interceptor, above the retry layer: notes the caller's {@link countRpcs} scopes for the
 * call. It runs when the call is made, in the caller's context; retries run later, from gRPC's.
 */
export const rpcScopeInterceptor: Interceptor = (options, nextCall) => {
  const counts = scopes.getStore();
  if (counts === undefined || rpcKindOf(options.method_definition.path) === undefined) {
    return new InterceptingCall(nextCall(options));
  }
  const own = { ...options };
  callCounts.set(own, counts);
  return new InterceptingCall(nextCall(own));
};

/** Client interceptor, below the retry layer: counts each attempt of a call that was noted. */
export const rpcCountInterceptor: Interceptor = (options, nextCall) => {
  const counts = callCounts.get(options);
  const kind = rpcKindOf(options.method_definition.path);
  if (counts && kind) for (const c of counts) c[kind] += 1;
  return new InterceptingCall(nextCall(options));
};

/**
 * Runs `task` for every item with at most `concurrency` in flight; never rejects: each result
 * is the value or the error.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<({ ok: true; value: R } | { ok: false; error: unknown })[]> {
  const results: ({ ok: true; value: R } | { ok: false; error: unknown })[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { ok: true, value: await task(items[i] as T, i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
