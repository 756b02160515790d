/**
 * Building pinned Go programs (the Temporal CLI, the Temporal server and its SQL tool) into the
 * per-user cache with `go install`, the first time they are needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TemporalCliError } from '../errors';

/** The oldest Go that builds the pinned Temporal modules. */
export const MIN_GO = [1, 25] as const;

/** One binary to build: a Go package path at a version, and where its binary ends up. */
export interface GoBinary {
  /** Package path with version, e.g. `go.temporal.io/server/cmd/server@v1.29.1`. */
  readonly module: string;
  /** Name `go install` gives the binary (the last element of the package path). */
  readonly builtName: string;
  /** Final path of the binary. */
  readonly target: string;
}

/** Options for {@link goInstall}. */
export interface GoInstallOptions {
  /** What is built, for progress lines and errors, e.g. `Temporal CLI 1.5.1`. */
  readonly what: string;
  readonly binaries: readonly GoBinary[];
  /** Directory the scratch build directory is made in (same file system as the targets). */
  readonly dir: string;
  /** Extra `go install` flags, e.g. `-ldflags=...`. @default none */
  readonly flags?: readonly string[];
  /** Appended to errors: how to obtain the binaries another way. */
  readonly hint: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives progress lines. @default no output */
  readonly log?: (line: string) => void;
  /** Runs after a successful build, before the binaries are moved into place. */
  readonly beforeRename?: () => void;
}

/** Returns the Go version on PATH as [major, minor], or undefined when Go is not installed. */
export function goVersion(env: NodeJS.ProcessEnv = process.env): [number, number] | undefined {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env, timeout: 30_000 });
  const match = /go(\d+)\.(\d+)/.exec(result.stdout ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Returns `go env <name>`, or undefined when Go is not installed. */
export function goEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = spawnSync('go', ['env', name], { encoding: 'utf8', env, timeout: 30_000 });
  const value = result.status === 0 ? result.stdout.trim() : '';
  return value === '' ? undefined : value;
}

/**
 * Checks Go (≥ {@link MIN_GO}) and builds the binaries with one `go install` into a scratch
 * directory, then renames each into place, printing progress while it runs.
 * @throws {TemporalCliError} when Go is missing or too old, or the build fails
 */
export async function goInstall(options: GoInstallOptions): Promise<void> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const go = goVersion(env);
  if (!go) throw new TemporalCliError(`${options.what} not found and Go is not installed. ${options.hint}`);
  if (go[0] < MIN_GO[0] || (go[0] === MIN_GO[0] && go[1] < MIN_GO[1])) {
    throw new TemporalCliError(
      `${options.what} not found and Go ${go.join('.')} is too old to build it. ${options.hint}`,
    );
  }
  mkdirSync(options.dir, { recursive: true });
  // Build into a scratch directory and rename at the end, so a failed or interrupted build never
  // leaves a half-written binary where the next run would find it.
  const scratch = mkdtempSync(join(options.dir, '.build-'));
  log(`Building ${options.what} from its Go module into ${options.dir}`);
  log('This is a one-time build; it takes a few minutes (later runs reuse the cached binaries).');
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  ... still building (${Math.round((Date.now() - started) / 1000)}s)`),
    20_000,
  );
  try {
    const args = ['install', ...(options.flags ?? []), ...options.binaries.map((b) => b.module)];
    const code = await runGo(args, { ...env, GOBIN: scratch }, log);
    if (code !== 0) {
      throw new TemporalCliError(
        `building the ${options.what} failed (go install exited ${code}). ${options.hint}`,
      );
    }
    options.beforeRename?.();
    for (const binary of options.binaries) {
      mkdirSync(join(binary.target, '..'), { recursive: true });
      renameSync(join(scratch, binary.builtName), binary.target);
    }
    log(`Built ${options.what} in ${Math.round((Date.now() - started) / 1000)}s`);
  } finally {
    clearInterval(ticker);
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function runGo(args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn('go', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
}
