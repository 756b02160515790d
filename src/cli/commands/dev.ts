/** `durable-cron dev`: obtain and run the local Temporal dev server. */
import {
  defaultDbFile,
  startDevServer,
  stopDetachedDevServer,
  type DevServer,
} from '../../dev-server/dev-server';
import { findOrBuildTemporalCli } from '../../dev-server/temporal-cli';
import { UsageError } from '../../errors';
import type { Output } from '../output';
import { waitForStopSignal } from '../signals';

/** Flags of `dev`. */
export interface DevFlags {
  /** Checked by the option's parser (1-65535). */
  port: number;
  uiPort?: number;
  dbFile?: string;
  inMemory?: boolean;
  ip: string;
  headless?: boolean;
  /** Remote codec server the Web UI decodes payloads with. */
  uiCodecEndpoint?: string;
  detach?: boolean;
  stop?: boolean;
  installOnly?: boolean;
  json?: boolean;
}

function parseCodecEndpoint(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UsageError(
      `--ui-codec-endpoint '${value}' must be an http:// or https:// URL, e.g. http://127.0.0.1:8081`,
    );
  }
  return value.replace(/\/+$/, '');
}

/** Starts (or reuses) a dev server per the flags; `--stop` stops a detached one instead. */
export async function startDevFromFlags(flags: DevFlags, output: Output): Promise<DevServer | undefined> {
  const { port, uiPort } = flags;
  const codecEndpoint =
    flags.uiCodecEndpoint === undefined ? undefined : parseCodecEndpoint(flags.uiCodecEndpoint);
  if (flags.stop) {
    const stopped = await stopDetachedDevServer(port);
    output.out(
      stopped
        ? `Stopped the Temporal dev server on port ${port}.`
        : `No detached dev server found on port ${port}.`,
    );
    return undefined;
  }
  const cli = await findOrBuildTemporalCli({ log: (line) => output.err(line) });
  if (flags.installOnly) {
    output.out(flags.json ? JSON.stringify(cli) : `Temporal CLI ${cli.version} (${cli.source}): ${cli.path}`);
    return undefined;
  }
  const server = await startDevServer({
    cli,
    port,
    uiPort,
    ip: flags.ip,
    dbFile: flags.inMemory ? undefined : (flags.dbFile ?? defaultDbFile()),
    headless: flags.headless,
    detach: flags.detach,
    ...(codecEndpoint !== undefined ? { uiCodecEndpoint: codecEndpoint } : {}),
  });
  const info = {
    address: server.address,
    uiUrl: server.uiUrl,
    pid: server.pid,
    reused: server.reused,
    cli: cli.path,
    cliVersion: cli.version,
  };
  if (flags.json) {
    output.out(JSON.stringify(info));
  } else {
    output.out(
      server.reused
        ? `Temporal is already running at ${server.address}; reusing it.`
        : `Temporal dev server ${cli.version} running at ${server.address}${server.pid ? ` (pid ${server.pid})` : ''}.`,
    );
    if (server.uiUrl) output.out(`Web UI: ${server.uiUrl}`);
    if (flags.detach && !server.reused)
      output.out(`Running in the background; stop it with: durable-cron dev --stop --port ${port}`);
  }
  return server;
}

/** Runs `dev` in the foreground until Ctrl-C (or returns at once with `--detach`/`--stop`). */
export async function runDev(flags: DevFlags, output: Output): Promise<void> {
  const server = await startDevFromFlags(flags, output);
  if (!server || flags.detach || server.reused) return;
  output.out('Press Ctrl-C to stop.');
  await waitForStopSignal(server.exited);
  output.out('Stopping the Temporal dev server...');
  await server.stop();
}
