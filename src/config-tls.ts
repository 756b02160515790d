/**
 * TLS, mTLS and API-key settings of Temporal connections, resolved from flags over the Temporal
 * client profile and its `TEMPORAL_TLS*` / `TEMPORAL_API_KEY` environment variables. Every file is
 * read once, here, and checked (exists, is PEM, cert and key belong together) so a bad setting fails
 * with one line naming the flag or variable and the path, before any connection is tried.
 * Part of the configuration module: only `resolveConfig` calls it.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ClientConfigProfile, ConfigDataSource } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import { UsageError, errorMessage } from './errors';

/** TLS and API-key flags; all optional. Paths are read relative to the working directory. */
export interface TlsInput {
  /** `--tls` (true) turns TLS on with the system's CAs; `--no-tls` (false) forces plaintext. */
  readonly tls?: boolean;
  /** `--tls-ca`: PEM file of the CA(s) that signed the server's certificate. */
  readonly tlsCa?: string;
  /** `--tls-cert`: PEM client certificate for mTLS (needs `tlsKey`). */
  readonly tlsCert?: string;
  /** `--tls-key`: PEM private key of `tlsCert`. */
  readonly tlsKey?: string;
  /** `--tls-server-name`: the name to expect in the server's certificate (and to send as SNI). */
  readonly tlsServerName?: string;
  /** `--api-key-file`: a file holding the API key (never the key itself on the command line). */
  readonly apiKeyFile?: string;
}

/** Resolved TLS and API key, ready for `Connection.connect` / `NativeConnection.connect`. */
export interface ResolvedTls {
  /** `undefined`: plaintext. A config object (possibly empty: the system's CAs): TLS. */
  readonly tls?: TLSConfig;
  /** Sent as `authorization: Bearer <key>` on every call. A secret: never print it. */
  readonly apiKey?: string;
}

/** Where one setting came from, for error messages: a flag, an env var, or the profile. */
type Source = { readonly label: string; readonly source: ConfigDataSource };

const ENV = {
  ca: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'],
  cert: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA'],
  key: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA'],
} as const;

/**
 * Resolves TLS and the API key. Later wins: the profile (config file), then the environment
 * (already merged into `profile` by envconfig), then flags. TLS is on when a flag, variable or
 * profile turns it on or gives any TLS file, and when an API key is set (as Temporal Cloud
 * expects), unless `--no-tls`, `TEMPORAL_TLS=false` or the profile's `tls.disabled` turns it off.
 * @param profile the merged profile from `loadClientConfigProfile` (file then env)
 * @param env the environment the profile was merged from: tells which setting came from where
 * @param profileName the profile's name, for messages
 * @throws {UsageError} for conflicting flags, a missing or unreadable file, a file that is not
 *   PEM, a certificate without its key (or the reverse), a key that does not match the certificate
 */
export function resolveTls(
  input: TlsInput,
  profile: ClientConfigProfile,
  env: Readonly<Record<string, string>>,
  profileName: string,
): ResolvedTls {
  /** The env var that set a file setting, else the profile key (`tls.client_cert_path`). */
  const labelFor = (names: readonly string[], key: string, source: ConfigDataSource) =>
    names.find((n) => env[n] !== undefined) ??
    `profile '${profileName}' tls.${key}_${'path' in source ? 'path' : 'data'}`;

  const fileFlags = (['tlsCa', 'tlsCert', 'tlsKey', 'tlsServerName'] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (input.tls === false && fileFlags.length > 0) {
    throw new UsageError(`--no-tls conflicts with ${flagName(fileFlags[0] ?? 'tlsCa')}: choose one`);
  }
  if ((input.tlsCert === undefined) !== (input.tlsKey === undefined)) {
    throw new UsageError(
      input.tlsCert === undefined
        ? '--tls-key needs --tls-cert (the client certificate it belongs to)'
        : '--tls-cert needs --tls-key (the private key of the client certificate)',
    );
  }
  for (const k of fileFlags) {
    if (input[k]?.trim() === '') throw new UsageError(`${flagName(k)} must not be empty`);
  }

  // An empty TEMPORAL_API_KEY (or api_key = "") means no key, as an empty variable usually does.
  const apiKey = input.apiKeyFile !== undefined ? readApiKey(input.apiKeyFile) : nonEmpty(profile.apiKey);

  const p = profile.tls;
  const enabled =
    input.tls ??
    (fileFlags.length > 0 ? true : undefined) ??
    (p?.disabled === true ? false : undefined) ??
    (p !== undefined && (p.disabled === false || hasAnyTlsSetting(p)) ? true : undefined) ??
    apiKey !== undefined;
  if (!enabled) return apiKey !== undefined ? { apiKey } : {};

  const pick = (
    flag: keyof TlsInput,
    value: ConfigDataSource | undefined,
    names: readonly string[],
    key: string,
  ): Source | undefined =>
    input[flag] !== undefined
      ? { label: flagName(flag), source: { path: input[flag] as string } }
      : value !== undefined
        ? { label: labelFor(names, key, value), source: value }
        : undefined;
  const ca = pick('tlsCa', p?.serverCACert, ENV.ca, 'server_ca_cert');
  const cert = pick('tlsCert', p?.clientCert, ENV.cert, 'client_cert');
  const key = pick('tlsKey', p?.clientKey, ENV.key, 'client_key');
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError(
      cert === undefined
        ? `${key?.label} is set without a client certificate (--tls-cert / TEMPORAL_TLS_CLIENT_CERT_PATH)`
        : `${cert.label} is set without its private key (--tls-key / TEMPORAL_TLS_CLIENT_KEY_PATH)`,
    );
  }
  const serverName = nonEmpty(input.tlsServerName) ?? nonEmpty(p?.serverName);

  const tls: { -readonly [K in keyof TLSConfig]: TLSConfig[K] } = {};
  if (ca !== undefined) tls.serverRootCACertificate = readCertificates(ca);
  if (cert !== undefined && key !== undefined) tls.clientCertPair = readCertPair(cert, key);
  if (serverName !== undefined) tls.serverNameOverride = serverName;
  return apiKey !== undefined ? { tls, apiKey } : { tls };
}

function hasAnyTlsSetting(p: NonNullable<ClientConfigProfile['tls']>): boolean {
  return [p.serverCACert, p.clientCert, p.clientKey, p.serverName].some((v) => v !== undefined);
}

function flagName(key: keyof TlsInput): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Where a setting is, for messages: `--tls-ca /etc/ca.pem` or `TEMPORAL_TLS_CLIENT_KEY_DATA`. */
function where(s: Source): string {
  return 'path' in s.source ? `${s.label} ${s.source.path}` : s.label;
}

function readSource(s: Source): Buffer {
  if (!('path' in s.source)) return Buffer.from(s.source.data);
  try {
    return readFileSync(s.source.path);
  } catch (err) {
    throw new UsageError(`${where(s)}: ${fileProblem(err)}`, { cause: err });
  }
}

function fileProblem(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    default:
      return `cannot be read (${errorMessage(err)})`;
  }
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates of `s`, each checked to parse. */
function readCertificates(s: Source): Buffer {
  const data = readSource(s);
  const blocks = data.toString('utf8').match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new UsageError(`${where(s)}: not a PEM certificate (expected '-----BEGIN CERTIFICATE-----')`);
  }
  for (const block of blocks) parseCertificate(block, s);
  return data;
}

function parseCertificate(pem: string, s: Source): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new UsageError(`${where(s)}: the PEM certificate does not parse (${errorMessage(err)})`, {
      cause: err,
    });
  }
}

/** Reads the client certificate and its key, and checks that they belong together. */
function readCertPair(certSource: Source, keySource: Source): { crt: Buffer; key: Buffer } {
  const crt = readCertificates(certSource);
  const key = readSource(keySource);
  const text = key.toString('utf8');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    throw new UsageError(`${where(keySource)}: the private key is encrypted; give an unencrypted PEM key`);
  }
  if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(text)) {
    throw new UsageError(
      `${where(keySource)}: not a PEM private key (expected '-----BEGIN PRIVATE KEY-----')`,
    );
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    // The message of the crypto error never holds the key itself.
    throw new UsageError(`${where(keySource)}: the PEM private key does not parse (${errorMessage(err)})`, {
      cause: err,
    });
  }
  const leaf = parseCertificate((crt.toString('utf8').match(CERT_BLOCK) ?? [''])[0] ?? '', certSource);
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new UsageError(`${where(keySource)} is not the private key of ${where(certSource)}`);
  }
  return { crt, key };
}

/** Reads the API key file: its content, trimmed; one line, not empty. */
function readApiKey(path: string): string {
  const s: Source = { label: '--api-key-file', source: { path } };
  const key = readSource(s).toString('utf8').trim();
  if (key === '') throw new UsageError(`${where(s)}: the file is empty`);
  if (/[\r\n]/.test(key)) throw new UsageError(`${where(s)}: the API key must be a single line`);
  return key;
}
