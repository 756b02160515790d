/**
 * Why a connection to Temporal failed, in one line, for client and worker connections alike.
 * The gRPC client only reports "Failed to connect before the deadline" for every TLS problem, so
 * on failure a TLS handshake with the same settings is tried once to name the cause: TLS to a
 * plaintext server, plaintext to a TLS server, an untrusted CA, a wrong server name, a missing or
 * rejected client certificate. Refused credentials (UNAUTHENTICATED, PERMISSION_DENIED) are told
 * apart from the gRPC status. No message ever holds the API key or a key file's contents.
 */
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ConnectionSettings } from './config';
import { errorMessage } from './errors';

/** How long the diagnosing handshake may take. */
const PROBE_TIMEOUT_MS = 2_000;

const HINT_CA = 'give the CA that signed it with --tls-ca (or TEMPORAL_TLS_SERVER_CA_CERT_PATH)';
const HINT_CERT =
  '--tls-cert and --tls-key (or TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)';
const HINT_KEY = "--api-key-file, TEMPORAL_API_KEY or the profile's api_key";

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

/**
 * Explains a failed connect or first call.
 * @returns one line saying what is wrong and what to do, and whether the server refused the
 *   credentials; undefined when no TLS or credentials problem is found (the caller keeps its
 *   generic explanation)
 */
export async function explainConnectError(
  err: unknown,
  settings: ConnectionSettings,
): Promise<{ readonly credentials: boolean; readonly line: string } | undefined> {
  const refused = credentialsProblem(err, settings.apiKey !== undefined);
  if (refused !== undefined) return { credentials: true, line: redact(refused, settings.apiKey) };
  const tls = await probeTls(settings);
  return tls === undefined ? undefined : { credentials: false, line: redact(tls, settings.apiKey) };
}

/**
 * One line for an UNAUTHENTICATED or PERMISSION_DENIED reply found in `err` or its causes, from
 * the gRPC client (status code) or the worker's native connection (status text).
 * @param hasApiKey whether an API key was sent: to say whether to check it or to give one;
 *   `undefined` when not known
 */
export function credentialsProblem(err: unknown, hasApiKey?: boolean): string | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 6; depth += 1) {
    const code = (e as { code?: unknown }).code;
    const text = errorMessage(e);
    const details = (e as { details?: unknown }).details;
    // The native (worker) connection words it `code: '<status text>', message: "<reason>"`.
    const reason =
      typeof details === 'string' && details !== ''
        ? details
        : (/message: "([^"]*)"/.exec(text)?.[1] ?? text);
    const short = (reason.replace(/^\d+ [A-Z_]+: /, '').split('\n')[0] ?? '').slice(0, 200);
    if (code === 16 || /\bUNAUTHENTICATED\b|not have valid authentication credentials/.test(text)) {
      if (hasApiKey === false) {
        return `the server requires authentication (UNAUTHENTICATED: ${short}): give an API key with ${HINT_KEY}, or a client certificate with ${HINT_CERT}`;
      }
      return `the server refused the ${hasApiKey ? 'API key' : 'credentials'} (UNAUTHENTICATED: ${short}): check the key given with ${HINT_KEY}`;
    }
    if (code === 7 || /\bPERMISSION_DENIED\b|caller does not have permission/.test(text)) {
      return `the server denied access (PERMISSION_DENIED: ${short}): the credentials are not allowed this namespace or call; check the API key or client certificate and --namespace`;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function redact(text: string, apiKey: string | undefined): string {
  return apiKey !== undefined && apiKey !== '' ? text.split(apiKey).join('<api key>') : text;
}

/**
 * Tries one TLS handshake (or, for a plaintext setting, checks whether the server speaks TLS).
 * @returns the TLS problem, or undefined when the handshake shows none
 */
export async function probeTls(settings: ConnectionSettings): Promise<string | undefined> {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(settings.address);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined) return undefined;
  const port = Number(match[3]);
  const tls = settings.tls === true ? {} : settings.tls || undefined;
  if (tls === undefined) {
    const speaksTls = await handshake({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    return speaksTls.secure || speaksTls.code?.startsWith('ERR_SSL_') === true
      ? 'the server expects TLS but the connection is plaintext: connect with --tls (and --tls-ca <file> for a private CA), or check the port'
      : undefined;
  }
  const name = tls.serverNameOverride ?? host;
  const options: ConnectionOptions = {
    host,
    port,
    ALPNProtocols: ['h2'],
    // An IP address is not a valid SNI name; the certificate is then checked against the IP.
    ...(isIP(name) === 0 ? { servername: name } : {}),
    ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
    ...(tls.clientCertPair
      ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
      : {}),
  };
  const result = await handshake(options);
  const code = result.code ?? '';
  if (UNTRUSTED.has(code)) {
    return `the server's certificate is not signed by a trusted CA (${code}): ${HINT_CA}`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `the server's certificate is not valid now (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return (
      `the server's certificate is not valid for '${name}' (it is for ${result.altNames ?? 'other names'}): connect with a name ` +
      'the certificate has, or set the name to expect with --tls-server-name (or TEMPORAL_TLS_SERVER_NAME)'
    );
  }
  if (/CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE/.test(code) && !tls.clientCertPair) {
    return `the server requires a client certificate (mTLS): give one with ${HINT_CERT}`;
  }
  if (
    /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REQUIRED|ACCESS_DENIED|HANDSHAKE_FAILURE)/.test(
      code,
    )
  ) {
    return `the server rejected the client certificate (${code}): it must be signed by a CA the server trusts`;
  }
  if (result.closedAfterHandshake) {
    return tls.clientCertPair
      ? 'the server closed the connection right after the TLS handshake: it did not accept the client certificate (it must be signed by a CA the server trusts)'
      : `the server closed the connection right after the TLS handshake: it probably requires a client certificate (mTLS); give one with ${HINT_CERT}`;
  }
  if (
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|RECORD_LAYER_FAILURE/.test(code) ||
    result.plain
  ) {
    return 'the server does not speak TLS (it answered in plaintext): connect without TLS (--no-tls), or use the TLS port';
  }
  return undefined;
}

interface HandshakeResult {
  /** The handshake completed and the server answered the HTTP/2 preface. */
  readonly secure: boolean;
  /** The error code of a failed handshake, if any. */
  readonly code?: string;
  /** The server closed or reset the connection before any TLS answer (a plaintext server). */
  readonly plain?: boolean;
  /** The handshake completed, then the server closed the connection without a word. */
  readonly closedAfterHandshake?: boolean;
  /** The names in the server's certificate, when it did not match. */
  readonly altNames?: string;
}

/** gRPC's HTTP/2 connection preface and an empty SETTINGS frame. */
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/**
 * Handshakes, then sends the HTTP/2 preface: with TLS 1.3 the server's refusal of a client
 * certificate only arrives after the client's side of the handshake completed.
 */
function handshake(options: ConnectionOptions): Promise<HandshakeResult> {
  return new Promise((done) => {
    let handshaken = false;
    const socket: TLSSocket = tlsConnect(options, () => {
      handshaken = true;
      socket.write(H2_PREFACE);
    });
    const finish = (result: HandshakeResult) => {
      clearTimeout(timer);
      socket.destroy();
      done(result);
    };
    const timer = setTimeout(() => finish({ secure: handshaken }), PROBE_TIMEOUT_MS);
    socket.once('data', () => finish({ secure: true }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      const plain =
        !handshaken && (code === 'ECONNRESET' || /before secure TLS connection/.test(err.message));
      const altNames = (err as { cert?: { subjectaltname?: string } }).cert?.subjectaltname;
      finish({ secure: false, code, plain, ...(altNames ? { altNames } : {}) });
    });
    socket.once('close', () =>
      finish({ secure: false, plain: !handshaken, closedAfterHandshake: handshaken }),
    );
  });
}
