/**
 * Sending many schedule RPCs: counted by kind (so `apply` can report exactly what it sent),
 * retried when the error is transient, and run with bounded concurrency.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';

/**
 * The kinds of RPC apply and the schedule commands send (`start`: a workflow run a backfill
 * starts itself, see start-fires.ts).
 */
export type RpcKind = 'list' | 'describe' | 'create' | 'update' | 'delete' | 'patch' | 'start';

/** RPCs sent, by kind (retries included). */
export type RpcCounts = Record<RpcKind, number>;

/** A fresh set of zero counts. */
export function newRpcCounts(): RpcCounts {
  return { list: 0, describe: 0, create: 0, update: 0, delete: 0, patch: 0, start: 0 };
}

/** Total RPCs of a count set. */
export function totalRpcs(counts: RpcCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

const TRANSIENT = new Set<number>([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
  grpcStatus.ABORTED,
]);

/** The gRPC status code of an error or of its causes, if any. */
export function grpcCodeOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth += 1) {
    if (isGrpcServiceError(e)) return e.code;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && (e as { details?: unknown }).details !== undefined) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for errors worth retrying: the server was busy, unreachable for a moment, or timed out. */
export function isTransient(err: unknown): boolean {
  const code = grpcCodeOf(err);
  return code !== undefined && TRANSIENT.has(code);
}

/** Retry settings. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 5 */
  readonly attempts?: number;
  /** Delay before the first retry, doubled each time. @default 200 ms */
  readonly initialDelayMs?: number;
}

/**
 * Runs `call`, retrying transient errors with exponential backoff.
 * @throws the last error, or the first one that is not transient
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  let delay = options.initialDelayMs ?? 200;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await new Promise((done) => setTimeout(done, delay));
      delay *= 2;
    }
  }
}

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
