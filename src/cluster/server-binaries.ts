/**
 * Finding the pinned Temporal server and its SQL schema tool, or building both from their Go
 * modules into the per-user cache the first time, with the PostgreSQL schema files next to them.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { TemporalCliError } from '../errors';
import { goEnv, goInstall, MIN_GO } from '../dev-server/go-install';
import { cacheDir } from '../dev-server/temporal-cli';

/** The Temporal server version the project pins (the one the pinned CLI embeds). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';

/** The server binaries and schema files of one version. */
export interface ServerBinaries {
  readonly version: string;
  /** `temporal-server` (all services; `start --service ...`). */
  readonly server: string;
  /** `temporal-sql-tool` (creates and updates the SQL schemas). */
  readonly sqlTool: string;
  /** Directory holding `temporal/versioned` and `visibility/versioned` for PostgreSQL 12+. */
  readonly postgresSchemaDir: string;
  readonly source: 'cache' | 'built';
}

/** Options for {@link findOrBuildServerBinaries}. */
export interface FindServerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Receives progress lines of a first-time build. @default no output */
  readonly log?: (line: string) => void;
  /** Build with Go when the cache lacks them. @default true */
  readonly build?: boolean;
}

/** The cache directory of the pinned server: `<cacheDir>/temporal-server-1.29.1`. */
export function serverCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function layout(env: NodeJS.ProcessEnv): Omit<ServerBinaries, 'source'> {
  const dir = serverCacheDir(env);
  return {
    version: TEMPORAL_SERVER_VERSION,
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    postgresSchemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/**
 * Returns the cached server binaries and schema files, building them with Go (≥ 1.25) when missing.
 * @throws {TemporalCliError} when they are missing and cannot be built
 */
export async function findOrBuildServerBinaries(options: FindServerOptions = {}): Promise<ServerBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const found = layout(env);
  const haveBinaries = isExecutable(found.server) && isExecutable(found.sqlTool);
  if (haveBinaries && hasSchema(found.postgresSchemaDir)) return { ...found, source: 'cache' };
  if (options.build === false) {
    throw new TemporalCliError(`Temporal server ${TEMPORAL_SERVER_VERSION} not found. ${installHint()}`);
  }
  if (haveBinaries) {
    // Only the schema files are missing: take them from the Go module cache.
    copySchema(found.postgresSchemaDir, env, log);
    return { ...found, source: 'cache' };
  }
  await goInstall({
    what: `Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool`,
    binaries: [
      {
        module: `${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
        builtName: 'server',
        target: found.server,
      },
      {
        module: `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
        builtName: 'sql',
        target: found.sqlTool,
      },
    ],
    dir: serverCacheDir(env),
    // No symbol table or DWARF: smaller binaries, and a faster link of large ones.
    flags: ['-ldflags=-s -w'],
    hint: installHint(),
    env,
    log,
    // The build downloaded the module source; keep its schema files so later runs need no Go.
    beforeRename: () => copySchema(found.postgresSchemaDir, env, log),
  });
  log(`Temporal server ${TEMPORAL_SERVER_VERSION}: ${found.server}`);
  return { ...found, source: 'built' };
}

function installHint(): string {
  return (
    `Install Go ≥ ${MIN_GO.join('.')} so durable-cron can build it with 'go install ` +
    `${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION} ${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}'.`
  );
}

function hasSchema(dir: string): boolean {
  return existsSync(join(dir, 'temporal', 'versioned')) && existsSync(join(dir, 'visibility', 'versioned'));
}

/** Copies `schema/postgresql/v12` of the server module into `target`, via a scratch copy. */
function copySchema(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  const source = moduleSchemaDir(env, log);
  const scratch = `${target}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(target, '..'), { recursive: true });
  cpSync(source, scratch, { recursive: true });
  // Go's module cache is read-only; the copy must stay removable.
  makeWritable(scratch);
  rmSync(target, { recursive: true, force: true });
  renameSync(scratch, target);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

function moduleSchemaDir(env: NodeJS.ProcessEnv, log: (line: string) => void): string {
  const modCache = goEnv('GOMODCACHE', env);
  const relative = join('schema', 'postgresql', 'v12');
  if (modCache) {
    const dir = join(modCache, `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, relative);
    if (hasSchema(dir)) return dir;
  }
  log(`Downloading the source of ${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION} for its schema files`);
  const result = spawnSync(
    'go',
    ['mod', 'download', '-json', `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`],
    {
      encoding: 'utf8',
      env,
      timeout: 600_000,
    },
  );
  const dir = result.status === 0 ? (JSON.parse(result.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir || !hasSchema(join(dir, relative))) {
    throw new TemporalCliError(
      `the PostgreSQL schema files of Temporal server ${TEMPORAL_SERVER_VERSION} could not be found. ${installHint()}`,
    );
  }
  return join(dir, relative);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
