/**
 * Fault injection for tests against a real server: a gRPC client interceptor that fails chosen
 * calls with a chosen status before they reach the server. Everything else goes through. Put it
 * closest to the wire (`clientInterceptors({ nearWire: [...] })`), so the production retry layer
 * and RPC counting above it see each injected failure as a failed attempt.
 */
import { InterceptingCall, Metadata, type Interceptor } from '@grpc/grpc-js';
import type { InterceptingListener } from '@grpc/grpc-js/build/src/call-interface';

/** One planned fault. */
export interface Fault {
  /** gRPC method name, e.g. `CreateSchedule`. */
  readonly method: string;
  /** Fails only requests whose encoded bytes contain this text (e.g. a schedule id). */
  readonly contains: string;
  /** gRPC status code to fail with. */
  readonly code: number;
  /** How many matching calls fail; afterwards they pass. Infinity for all. */
  times: number;
}

/** An interceptor failing calls per `faults`; `hits` counts the failures it caused. */
export function faultInterceptor(faults: Fault[]): { interceptor: Interceptor; hits: Map<string, number> } {
  const hits = new Map<string, number>();
  const interceptor: Interceptor = (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop() ?? '';
    type Next = (m: Metadata, l: InterceptingListener) => void;
    let saved: { metadata: Metadata; listener: InterceptingListener; next: Next } | undefined;
    let failed = false;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        // Hold the call until the request is seen: a failed call never reaches the server.
        saved = { metadata, listener, next };
      },
      sendMessage(message: unknown, next) {
        const bytes = Buffer.from(message as Uint8Array);
        const fault = faults.find((f) => f.method === method && f.times > 0 && bytes.includes(f.contains));
        if (fault && saved) {
          fault.times -= 1;
          failed = true;
          hits.set(fault.contains, (hits.get(fault.contains) ?? 0) + 1);
          // As gRPC ends a unary call that got no reply: an empty message, then the status.
          saved.listener.onReceiveMessage(null);
          saved.listener.onReceiveStatus({
            code: fault.code,
            details: 'injected fault',
            metadata: new Metadata(),
          });
          return;
        }
        saved?.next(saved.metadata, saved.listener);
        next(message);
      },
      halfClose(next) {
        if (!failed) next();
      },
    });
  };
  return { interceptor, hits };
}
