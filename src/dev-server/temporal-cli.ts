/**
 * Finding the pinned Temporal CLI (it contains the dev server and the Web UI), or building it
 * from its Go module into a per-user cache the first time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TemporalCliError } from '../errors';

/** The Temporal CLI version the project pins (bundles server 1.29.1 and Web UI 2.42.1). */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const VERSION_VAR = 'github.com/temporalio/cli/temporalcli.Version';
const MIN_GO = [1, 25] as const;

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

function goVersion(env: NodeJS.ProcessEnv): [number, number] | undefined {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env, timeout: 30_000 });
  const match = /go(\d+)\.(\d+)/.exec(result.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function installHint(): string {
  return (
    `Install it (https://docs.temporal.io/cli) and set TEMPORAL_CLI=/path/to/temporal, or install ` +
    `Go ≥ ${MIN_GO.join('.')} so durable-cron can build it with ` +
    `'go install ${GO_MODULE}@v${TEMPORAL_CLI_VERSION}'.`
  );
}

async function buildCli(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const go = goVersion(env);
  if (!go)
    throw new TemporalCliError(
      `Temporal CLI ${TEMPORAL_CLI_VERSION} not found and Go is not installed. ${installHint()}`,
    );
  if (go[0] < MIN_GO[0] || (go[0] === MIN_GO[0] && go[1] < MIN_GO[1])) {
    throw new TemporalCliError(
      `Temporal CLI ${TEMPORAL_CLI_VERSION} not found and Go ${go.join('.')} is too old to build it. ${installHint()}`,
    );
  }
  const dir = join(target, '..');
  mkdirSync(dir, { recursive: true });
  // Build into a scratch directory and rename at the end, so a failed or interrupted build never
  // leaves a half-written binary where the next run would find it.
  const scratch = mkdtempSync(join(dir, '.build-'));
  log(`Building Temporal CLI ${TEMPORAL_CLI_VERSION} from its Go module into ${dir}`);
  log('This is a one-time build; it takes a few minutes (later runs reuse the cached binary).');
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  ... still building (${Math.round((Date.now() - started) / 1000)}s)`),
    20_000,
  );
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        'go',
        [
          'install',
          `-ldflags=-X ${VERSION_VAR}=${TEMPORAL_CLI_VERSION}`,
          `${GO_MODULE}@v${TEMPORAL_CLI_VERSION}`,
        ],
        { env: { ...env, GOBIN: scratch }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let downloads = 0;
      const tail: string[] = [];
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (line.startsWith('go: downloading')) {
            downloads += 1;
            if (downloads % 25 === 1) log(`  downloading Go modules (${downloads} so far)`);
          } else {
            log(`  ${line}`);
          }
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      child.on('close', (status) => {
        if (status !== 0) log(tail.join('\n'));
        resolve(status ?? 1);
      });
    });
    if (code !== 0)
      throw new TemporalCliError(
        `building the Temporal CLI failed (go install exited ${code}). ${installHint()}`,
      );
    renameSync(join(scratch, 'temporal'), target);
    log(
      `Built Temporal CLI ${TEMPORAL_CLI_VERSION} in ${Math.round((Date.now() - started) / 1000)}s: ${target}`,
    );
  } finally {
    clearInterval(ticker);
    rmSync(scratch, { recursive: true, force: true });
  }
}
