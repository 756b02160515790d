/**
 * A remote codec server for the Temporal Web UI and the `temporal` CLI: `POST …/encode` and
 * `POST …/decode` take and return `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`
 * (protobuf JSON of `Payloads`). Only the last part of the path is looked at, so the endpoints can
 * be mounted under any prefix. CORS admits the Web UI's origin alone; with a token, requests must
 * carry `Authorization: Bearer <token>`. Payloads and keys are never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { errorMessage } from '../errors';

/** Largest request body accepted. @default 4 MiB (the server's default payload size limit is 2 MiB) */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Options for {@link startCodecServer}. */
export interface CodecServerOptions {
  readonly codec: PayloadCodec;
  /** Interface to bind. @default 127.0.0.1 */
  readonly host?: string;
  /** Port; 0 picks a free one. */
  readonly port: number;
  /** The only origin CORS admits, e.g. `http://localhost:8233`. */
  readonly uiOrigin: string;
  /** When set, requests need `Authorization: Bearer <token>`. Never printed. */
  readonly token?: string;
  /** When set, a request whose `X-Namespace` header names another namespace is refused (403). */
  readonly namespace?: string;
}

/** A listening codec server. */
export interface CodecServer {
  /** e.g. `http://127.0.0.1:8081` */
  readonly url: string;
  close(): Promise<void>;
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

/** A request the server answers with a 4xx status and a one-line message. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      const status = err instanceof RequestError ? err.status : 500;
      sendJson(res, status, { error: errorMessage(err) });
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && origin === options.uiOrigin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.setHeader('Vary', 'Origin');
  // A preflight carries no credentials: it is answered without the token check.
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  const operation = /\/(encode|decode)\/?$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
  if (operation === undefined) throw new RequestError(404, 'not found: POST /encode or /decode');
  if (req.method !== 'POST') throw new RequestError(405, `use POST for /${operation}`);
  if (options.token !== undefined && !authorized(req, options.token)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new RequestError(401, 'missing or wrong bearer token');
  }
  const namespace = req.headers['x-namespace'];
  if (options.namespace !== undefined && typeof namespace === 'string' && namespace !== options.namespace) {
    throw new RequestError(
      403,
      `this codec server serves namespace '${options.namespace}', not '${namespace}'`,
    );
  }
  const payloads = parseBody(await readBody(req));
  let result: Payload[];
  try {
    result =
      operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  } catch (err) {
    // The codec's messages name key ids, never keys.
    throw new RequestError(400, errorMessage(err));
  }
  sendJson(res, 200, { payloads: result.map(toJson) });
}

function authorized(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Payload[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError(400, 'body is not JSON: expected {"payloads": [...]}');
  }
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new RequestError(400, 'body must be {"payloads": [...]}');
  return list.map((item: unknown, i) => fromJson(item, i));
}

function fromJson(item: unknown, index: number): Payload {
  const { metadata, data } = (item ?? {}) as JsonPayload;
  const bad = () =>
    new RequestError(400, `payloads[${index}]: metadata values and data must be base64 strings`);
  if (typeof item !== 'object' || item === null) throw bad();
  if (data !== undefined && data !== null && typeof data !== 'string') throw bad();
  if (metadata !== undefined && metadata !== null && typeof metadata !== 'object') throw bad();
  const entries = Object.entries(metadata ?? {});
  if (entries.some(([, v]) => typeof v !== 'string')) throw bad();
  return {
    metadata: Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
