/**
 * A private certificate authority for the local cluster, made with the `openssl` CLI: a server
 * certificate for localhost/127.0.0.1 (also used between nodes) and a client certificate.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DurableCronError } from '../errors';

/** Paths of the cluster's TLS files (PEM). */
export interface ClusterTlsFiles {
  readonly dir: string;
  /** CA certificate: trust it to verify the server, and the server trusts client certificates it signed. */
  readonly ca: string;
  /** Server certificate (SAN localhost, 127.0.0.1); the nodes also present it to each other. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate signed by the CA, for clients and workers. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** The name the server certificate is valid for (use as the TLS server name). */
  readonly serverName: string;
}

/** The TLS file paths under `<stateDir>/tls/` (whether or not they exist yet). */
export function clusterTlsFiles(stateDir: string): ClusterTlsFiles {
  const dir = join(stateDir, 'tls');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
    serverName: 'localhost',
  };
}

/**
 * Makes the CA, server and client certificates under `<stateDir>/tls/` (valid 30 days), or keeps
 * the ones already there.
 * @throws {DurableCronError} when `openssl` is missing or fails
 */
export function ensureClusterTls(stateDir: string): ClusterTlsFiles {
  const files = clusterTlsFiles(stateDir);
  const caKey = join(files.dir, 'ca-key.pem');
  const all = [files.ca, caKey, files.serverCert, files.serverKey, files.clientCert, files.clientKey];
  if (all.every((file) => existsSync(file))) return files;
  mkdirSync(files.dir, { recursive: true });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...newKey, '-keyout', caKey, '-out', files.ca, '-days', '30'],
    [
      '-subj',
      '/CN=durable-cron local cluster CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
  );
  const sign = (name: string, cert: string, key: string, subject: string, extensions: string) => {
    const csr = join(files.dir, `${name}.csr`);
    const ext = join(files.dir, `${name}.ext`);
    writeFileSync(ext, extensions);
    openssl(['req', ...newKey, '-keyout', key, '-out', csr, '-subj', subject], []);
    openssl(
      ['x509', '-req', '-in', csr, '-CA', files.ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert],
      ['-days', '30', '-extfile', ext],
    );
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  };
  const common = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n';
  sign(
    'server',
    files.serverCert,
    files.serverKey,
    '/CN=localhost',
    // clientAuth too: with mutual TLS between nodes, each node presents this certificate as a client.
    `${common}extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n`,
  );
  sign(
    'client',
    files.clientCert,
    files.clientKey,
    '/CN=durable-cron client',
    `${common}extendedKeyUsage=clientAuth\n`,
  );
  for (const key of [caKey, files.serverKey, files.clientKey]) chmodSync(key, 0o600);
  return files;
}

function openssl(args: string[], more: string[]): void {
  const result = spawnSync('openssl', [...args, ...more], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    throw new DurableCronError(`--tls needs the openssl command: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new DurableCronError(`openssl ${args[0]} failed: ${result.stderr.trim().slice(-500)}`);
  }
}
