/**
 * Finding the pinned Temporal CLI (it contains the dev server and the Web UI), or building it
 * from its Go module into a per-user cache the first time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TemporalCliError } from '../errors';
import { goInstall, MIN_GO } from './go-install';

/** The Temporal CLI version the project pins (bundles server 1.29.1 and Web UI 2.42.1). */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const VERSION_VAR = 'github.com/temporalio/cli/temporalcli.Version';

/** Where a Temporal CLI was found. */
export interface TemporalCli {
  readonly path: string;
  readonly version: string;
  readonly source: 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'built';
}

/** Options for {@link findOrBuildTemporalCli}. */
export interface FindCliOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Receives progress lines of a first-time build. @default no output */
  readonly log?: (line: string) => void;
  /** Build with Go when nothing is found. @default true */
  readonly build?: boolean;
}

/** The cache directory: `$XDG_CACHE_HOME/durable-cron` or `~/.cache/durable-cron`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'durable-cron');
}

/** Path of the cached CLI binary. */
export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/**
 * Finds the Temporal CLI: `$TEMPORAL_CLI`; then `temporal` on PATH if it is version 1.5.1; then the
 * cache; else builds it with Go (≥ 1.25) into the cache.
 * @throws {TemporalCliError} when none is found and it cannot be built
 */
export async function findOrBuildTemporalCli(options: FindCliOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  if (env.TEMPORAL_CLI) {
    const version = cliVersion(env.TEMPORAL_CLI, env);
    if (!version)
      throw new TemporalCliError(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not a working Temporal CLI`);
    return { path: env.TEMPORAL_CLI, version, source: 'TEMPORAL_CLI' };
  }
  const onPath = cliVersion('temporal', env);
  if (onPath === TEMPORAL_CLI_VERSION) return { path: 'temporal', version: onPath, source: 'PATH' };
  if (onPath) log(`ignoring temporal ${onPath} on PATH: durable-cron pins ${TEMPORAL_CLI_VERSION}`);
  const cached = cachedCliPath(env);
  if (existsSync(cached)) {
    const version = cliVersion(cached, env);
    if (version) return { path: cached, version, source: 'cache' };
  }
  if (options.build === false) {
    throw new TemporalCliError(`Temporal CLI ${TEMPORAL_CLI_VERSION} not found. ${installHint()}`);
  }
  await buildCli(cached, env, log);
  return { path: cached, version: TEMPORAL_CLI_VERSION, source: 'built' };
}

/** Returns the CLI version a binary reports, or undefined when it does not run. */
export function cliVersion(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 15_000, env });
  if (result.status !== 0) return undefined;
  return /temporal version (\S+)/.exec(result.stdout)?.[1];
}

function installHint(): string {
  return (
    `Install it (https://docs.temporal.io/cli) and set TEMPORAL_CLI=/path/to/temporal, or install ` +
    `Go ≥ ${MIN_GO.join('.')} so durable-cron can build it with ` +
    `'go install ${GO_MODULE}@v${TEMPORAL_CLI_VERSION}'.`
  );
}

async function buildCli(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  await goInstall({
    what: `Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    binaries: [{ module: `${GO_MODULE}@v${TEMPORAL_CLI_VERSION}`, builtName: 'temporal', target }],
    dir: join(target, '..'),
    // -s -w: no symbol table or DWARF (a smaller binary, and a faster link of a large one).
    flags: [`-ldflags=-s -w -X ${VERSION_VAR}=${TEMPORAL_CLI_VERSION}`],
    hint: installHint(),
    env,
    log,
  });
  log(`Temporal CLI ${TEMPORAL_CLI_VERSION}: ${target}`);
}
