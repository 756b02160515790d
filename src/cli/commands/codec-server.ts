/**
 * `durable-cron codec-server`: serves the configured codec keys over HTTP so the Temporal Web UI
 * (and `temporal --codec-endpoint`) can show encrypted payloads. Runs until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { EncryptionCodec } from '../../codec';
import { startCodecServer } from '../../codec/server';
import type { ResolvedConfig } from '../../config';
import { UsageError } from '../../errors';
import { printJson, type Output } from '../output';
import { waitForStopSignal } from '../signals';

/** Flags of `codec-server`. */
export interface CodecServerFlags {
  /** Checked by the option's parser (0-65535). */
  port: number;
  host: string;
  uiOrigin?: string;
  tokenFile?: string;
  json?: boolean;
}

/** Default port of the codec server. */
export const DEFAULT_CODEC_PORT = 8081;

/** Starts the codec server and serves until SIGINT/SIGTERM. */
export async function runCodecServer(
  config: ResolvedConfig,
  flags: CodecServerFlags,
  output: Output,
): Promise<void> {
  if (!config.codec) {
    throw new UsageError(
      'codec-server needs the codec keys: set DURABLE_CRON_CODEC_KEYS or DURABLE_CRON_CODEC_KEY_FILE, or pass --codec-key-file',
    );
  }
  const { port } = flags;
  const uiOrigin = parseOrigin(
    flags.uiOrigin ?? config.uiUrl,
    flags.uiOrigin === undefined ? '--ui-url' : '--ui-origin',
  );
  const token = flags.tokenFile === undefined ? undefined : readToken(flags.tokenFile);
  const server = await startCodecServer({
    codec: new EncryptionCodec(config.codec.keys),
    host: flags.host,
    port,
    uiOrigin,
    namespace: config.namespace,
    ...(token !== undefined ? { token } : {}),
  });
  try {
    if (flags.json) {
      printJson(output, {
        url: server.url,
        uiOrigin,
        namespace: config.namespace,
        token: token !== undefined,
      });
    } else {
      output.out(`Codec server on ${server.url} (endpoints /encode and /decode)`);
      output.out(`Web UI origin allowed: ${uiOrigin}${token !== undefined ? '; bearer token required' : ''}`);
      output.out(`Point the Web UI at it: temporal server start-dev --ui-codec-endpoint ${server.url}`);
    }
    await waitForStopSignal();
  } finally {
    await server.close();
  }
}

function parseOrigin(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} '${value}' is not a URL such as http://localhost:8233`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} '${value}' must be an http:// or https:// URL`);
  }
  return url.origin;
}

function readToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--token-file ${path}: cannot read the token file (${code})`, { cause: err });
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) {
    throw new UsageError(
      `--token-file ${path}: must hold one token (no spaces), e.g. from: openssl rand -hex 32`,
    );
  }
  return token;
}
