/**
 * The one retry layer of durable-cron's client calls: the SDK's gRPC retry interceptor
 * (`makeGrpcRetryInterceptor`), configured here instead of the SDK's default (10 attempts, up to
 * ~20 s). Each RPC is retried on its own, below the SDK: a retried create or start resends the same
 * request, request id included, so the server can tell it from a second one.
 *
 * Worker connections (`NativeConnection`, the Rust core) keep the core's own retry policy.
 */
import { status as grpcStatus, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { isRetryableError, makeGrpcRetryInterceptor, type GrpcRetryOptions } from '@temporalio/client';

/**
 * Attempts per RPC, the first included: with the delays below about 20 s of patience, the SDK's
 * own default, which rides out a server restart and a loaded server's slow schedule queries
 * (describing a schedule asks its workflow; with 5 attempts, ~3 s, a loaded machine failed it).
 */
export const RPC_ATTEMPTS = 10;
/** Delay before the first retry; doubled before each further one (±20 % jitter). */
export const RPC_FIRST_RETRY_DELAY_MS = 100;
/** Delay before the first retry of a call the server refused as overloaded (RESOURCE_EXHAUSTED). */
export const RPC_FIRST_BUSY_RETRY_DELAY_MS = 1_000;
/** Longest delay between two attempts. */
export const RPC_MAX_RETRY_DELAY_MS = 5_000;

/** What the retry layer needs to know about a call besides its status. */
export interface RetryContext {
  /** The call's own deadline; undefined (or Infinity) when it has none. */
  readonly deadline?: Date | number;
}

/**
 * True when a failed attempt is worth another: the statuses the SDK retries (UNAVAILABLE,
 * RESOURCE_EXHAUSTED, ABORTED, UNKNOWN, DATA_LOSS, OUT_OF_RANGE and transient HTTP/2 resets), and
 * DEADLINE_EXCEEDED for a call without a deadline of its own: the server gave up, not the caller
 * (a call with a deadline that ran out is never retried; it would fail again at once).
 */
export function isRetryableStatus(status: StatusObject, call: RetryContext = {}): boolean {
  if (status.code === grpcStatus.DEADLINE_EXCEEDED) {
    const deadline = call.deadline === undefined ? Infinity : Number(call.deadline);
    return deadline === Infinity;
  }
  return isRetryableError(status);
}

/**
 * The delay before attempt `attempt + 1`, after attempt `attempt` (1-based) failed with `status`.
 * @param random a number in [0, 1) for the jitter. @default Math.random()
 */
export function retryDelayMs(attempt: number, status: StatusObject, random: number = Math.random()): number {
  const first =
    status.code === grpcStatus.RESOURCE_EXHAUSTED ? RPC_FIRST_BUSY_RETRY_DELAY_MS : RPC_FIRST_RETRY_DELAY_MS;
  const delay = Math.min(RPC_MAX_RETRY_DELAY_MS, first * 2 ** (attempt - 1));
  return delay * (0.8 + 0.4 * random);
}

/** The SDK retry interceptor's options for one call. */
export function retryOptionsFor(call: RetryContext): GrpcRetryOptions {
  return {
    retryableDecider: (attempt, status) => attempt < RPC_ATTEMPTS && isRetryableStatus(status, call),
    delayFunction: (attempt, status) => retryDelayMs(attempt, status),
  };
}

/**
 * The SDK's retry interceptor with durable-cron's policy: {@link RPC_ATTEMPTS} attempts per RPC,
 * backing off from {@link RPC_FIRST_RETRY_DELAY_MS}, retrying what {@link isRetryableStatus} allows.
 */
export function rpcRetryInterceptor(): Interceptor {
  // The decider sees only the status; the deadline comes from the call's options.
  return (options, nextCall) => makeGrpcRetryInterceptor(retryOptionsFor(options))(options, nextCall);
}
