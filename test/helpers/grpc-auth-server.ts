/**
 * A gRPC server over TLS that speaks just enough of Temporal's WorkflowService to see what a
 * client sends on its first call (GetSystemInfo): it records the call's metadata, then refuses it
 * (UNAUTHENTICATED, or PERMISSION_DENIED for {@link DENIED_KEY}) unless the bearer token is
 * {@link VALID_KEY}. Real grpc-js on both sides; no Temporal server is needed to check credentials.
 */
import { readFileSync } from 'node:fs';
import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { temporal } from '@temporalio/proto';

/** The key this server accepts. */
export const VALID_KEY = 'dc-valid-key-0123456789';
/** A key this server knows but does not allow anything. */
export const DENIED_KEY = 'dc-denied-key-9876543210';

const v1 = temporal.api.workflowservice.v1;

/** A listening server and the metadata of every call it received. */
export interface AuthServer {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Metadata of each call received, in order, as plain objects. */
  readonly calls: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1 with the given PEM certificate and key. */
export async function startAuthServer(certFile: string, keyFile: string): Promise<AuthServer> {
  const calls: Array<Record<string, string>> = [];
  const server = new Server();
  server.addService(
    {
      GetSystemInfo: {
        path: '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
        requestStream: false,
        responseStream: false,
        requestSerialize: (m: temporal.api.workflowservice.v1.IGetSystemInfoRequest) =>
          Buffer.from(v1.GetSystemInfoRequest.encode(m).finish()),
        requestDeserialize: (b: Buffer) => v1.GetSystemInfoRequest.decode(b),
        responseSerialize: (m: temporal.api.workflowservice.v1.IGetSystemInfoResponse) =>
          Buffer.from(v1.GetSystemInfoResponse.encode(m).finish()),
        responseDeserialize: (b: Buffer) => v1.GetSystemInfoResponse.decode(b),
      },
    },
    {
      GetSystemInfo: (
        call: ServerUnaryCall<unknown, unknown>,
        reply: sendUnaryData<temporal.api.workflowservice.v1.IGetSystemInfoResponse>,
      ) => {
        const md = plain(call.metadata);
        calls.push(md);
        const auth = md.authorization ?? '';
        if (auth === `Bearer ${VALID_KEY}`) reply(null, { serverVersion: 'test', capabilities: {} });
        else if (auth === `Bearer ${DENIED_KEY}`)
          reply({ code: status.PERMISSION_DENIED, details: 'Request unauthorized' });
        else reply({ code: status.UNAUTHENTICATED, details: 'invalid API key' });
      },
    },
  );
  const credentials = ServerCredentials.createSsl(null, [
    { cert_chain: readFileSync(certFile), private_key: readFileSync(keyFile) },
  ]);
  const port = await new Promise<number>((done, fail) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? fail(err) : done(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((done) => {
        server.tryShutdown(() => done());
        setTimeout(() => {
          server.forceShutdown();
          done();
        }, 2_000).unref();
      }),
  };
}

function plain(metadata: Metadata): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata.getMap()).map(([k, v]) => [k, String(v)]));
}
