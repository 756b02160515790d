/**
 * TLS material and endpoints for tests: a CA, a server certificate and a client certificate made
 * with `openssl` in a temporary folder (plus a second CA nobody trusts), and a TLS-terminating
 * proxy in front of a plaintext Temporal server that requires a client certificate (mTLS).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { CliResult } from './cli';

/** Paths of the generated PEM files. */
export interface TestPki {
  readonly dir: string;
  /** The CA that signed the server and client certificates. */
  readonly ca: string;
  /** A second CA that signed nothing used here: trusting it alone must fail. */
  readonly otherCa: string;
  /** Server certificate for `localhost` / `127.0.0.1` and the extra names, and its key. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Server certificate for `temporal.internal` only (no IP, no localhost), and its key. */
  readonly internalCert: string;
  readonly internalKey: string;
  /** Client certificate (CN durable-cron-test) and its key. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** Client certificate signed by {@link otherCa}: the server does not accept it. */
  readonly otherClientCert: string;
  readonly otherClientKey: string;
  /** Removes the folder. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(dir, [
    'req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', `${name}.pem`,
  ]); // prettier-ignore
}

function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.ec.key`]);
  // PKCS#8 (`BEGIN PRIVATE KEY`): what both the Node and the Rust (worker) TLS stacks read.
  openssl(dir, ['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.ec.key`, '-out', `${name}.key`]);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
  ]); // prettier-ignore
}

/** Generates the test PKI in a new temporary folder. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  const server = 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n';
  makeLeaf(dir, 'server', 'ca', `${server}subjectAltName=DNS:localhost,IP:127.0.0.1\n`);
  makeLeaf(dir, 'internal', 'ca', `${server}subjectAltName=DNS:temporal.internal\n`);
  const client = 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n';
  makeLeaf(dir, 'client', 'ca', client);
  makeLeaf(dir, 'other-client', 'other-ca', client);
  const at = (f: string) => join(dir, f);
  return {
    dir,
    ca: at('ca.pem'),
    otherCa: at('other-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    internalCert: at('internal.pem'),
    internalKey: at('internal.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    otherClientCert: at('other-client.pem'),
    otherClientKey: at('other-client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A listening TLS endpoint. */
export interface TlsProxy {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  readonly port: number;
  /** Subject CNs of the client certificates of the connections accepted so far. */
  readonly clients: string[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1, terminates TLS with `cert`/`key`, requires a client
 * certificate signed by `ca` (mTLS), negotiates HTTP/2 (gRPC), and pipes the bytes to `target`.
 */
export async function startTlsProxy(options: {
  readonly target: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}): Promise<TlsProxy> {
  const [host, port] = splitHostPort(options.target);
  const sockets = new Set<Socket>();
  const clients: string[] = [];
  const server: Server = createServer(
    {
      ca: readFileSync(options.ca),
      cert: readFileSync(options.cert),
      key: readFileSync(options.key),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket: TLSSocket) => {
      clients.push(String(socket.getPeerCertificate().subject?.CN ?? ''));
      const upstream = tcpConnect({ host, port });
      sockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      const drop = () => {
        socket.destroy();
        upstream.destroy();
        sockets.delete(socket);
        sockets.delete(upstream);
      };
      socket.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    },
  );
  // Handshakes the proxy refuses (no or untrusted client certificate) are expected here.
  server.on('tlsClientError', () => {});
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const listening = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${listening}`,
    port: listening,
    clients,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

/** Asserts a CLI run failed to connect with one line on stderr matching `pattern`, no stack trace. */
export function assertOneLineFailure(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `should fail: ${r.stdout}${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^error: cannot reach Temporal at /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}
