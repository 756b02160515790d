/**
 * The one module that reads configuration. Layers, later wins: defaults, then the Temporal
 * client config file and profile plus `TEMPORAL_*` environment variables (through
 * `@temporalio/envconfig`, the ecosystem's convention), then `DURABLE_CRON_*` variables and
 * `DATABASE_URL`, then flags. The project's own settings (its jobs modules and jobs file) come
 * from `durable-cron.config.json`, then flags.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { loadClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { resolveTls, type TlsInput } from './config-tls';
import { parseCodecKeyList, readCodecKeyFile, type CodecSettings } from './codec/keys';
import { UsageError, errorMessage } from './errors';

/** Default Temporal frontend address: the local dev server. */
export const DEFAULT_ADDRESS = 'localhost:7233';
/** Default namespace. */
export const DEFAULT_NAMESPACE = 'default';
/** Default task queue the worker pool polls and schedules start workflows on. */
export const DEFAULT_TASK_QUEUE = 'durable-cron';

/**
 * The variables durable-cron reads itself, by setting. {@link resolveConfig} reads the environment
 * only through this map (besides {@link TEMPORAL_ENV_VARS}), so it is the complete list.
 */
export const DURABLE_CRON_ENV = {
  taskQueue: 'DURABLE_CRON_TASK_QUEUE',
  uiUrl: 'DURABLE_CRON_UI_URL',
  databaseUrl: 'DATABASE_URL',
  workflowBundle: 'DURABLE_CRON_WORKFLOW_BUNDLE',
  codecKeys: 'DURABLE_CRON_CODEC_KEYS',
  codecKeyFile: 'DURABLE_CRON_CODEC_KEY_FILE',
} as const;

/**
 * The Temporal client variables, read by `@temporalio/envconfig`. Only these (and
 * {@link TEMPORAL_GRPC_META_PREFIX} ones) are handed to it, so a variable missing here is not
 * read; a test checks the list against what envconfig reads.
 */
export const TEMPORAL_ENV_VARS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_CODEC_ENDPOINT',
  'TEMPORAL_CODEC_AUTH',
] as const;

/** Prefix of the variables that add a gRPC header to every call: `TEMPORAL_GRPC_META_<HEADER>`. */
export const TEMPORAL_GRPC_META_PREFIX = 'TEMPORAL_GRPC_META_';

/** Where envconfig looks for its default config file; locations, not settings. */
export const CONFIG_FILE_LOCATION_ENV_VARS = ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'] as const;

/**
 * Every environment variable the configuration reads, besides `TEMPORAL_GRPC_META_*` (see
 * {@link isConfigEnvVar}) and the config file locations.
 */
export const CONFIG_ENV_VARS: readonly string[] = [...TEMPORAL_ENV_VARS, ...Object.values(DURABLE_CRON_ENV)];

/** Whether the configuration reads the variable `name` (a `TEMPORAL_GRPC_META_*` one included). */
export function isConfigEnvVar(name: string): boolean {
  return (
    CONFIG_ENV_VARS.includes(name) ||
    (name.startsWith(TEMPORAL_GRPC_META_PREFIX) && name.length > TEMPORAL_GRPC_META_PREFIX.length)
  );
}

/**
 * What a worker or `setup` away from the local dev server must be given: without them it would
 * connect to `localhost:7233`, use the `default` namespace, and keep jobs' data in an embedded
 * database of its own machine.
 */
export const REMOTE_DEPLOYMENT_ENV_VARS = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'DATABASE_URL'] as const;

/** The part of `env` envconfig may see: the Temporal variables and the config file locations. */
function temporalEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const names: readonly string[] = [...TEMPORAL_ENV_VARS, ...CONFIG_FILE_LOCATION_ENV_VARS];
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        (names.includes(entry[0]) || entry[0].startsWith(TEMPORAL_GRPC_META_PREFIX)),
    ),
  );
}

/**
 * Settings given on the command line (or by a caller of the library); all optional. The TLS and
 * API-key fields are described in {@link TlsInput}.
 */
export interface ConfigInput extends TlsInput {
  readonly address?: string;
  readonly namespace?: string;
  readonly taskQueue?: string;
  /** Profile name in the Temporal client config file (`TEMPORAL_PROFILE`). */
  readonly profile?: string;
  /** Base URL of the Temporal Web UI, e.g. `http://localhost:8233`. */
  readonly uiUrl?: string;
  /** PostgreSQL connection string of the jobs' database (`DATABASE_URL`). */
  readonly databaseUrl?: string;
  /** A workflow bundle made by `durable-cron bundle` (`DURABLE_CRON_WORKFLOW_BUNDLE`); worker only. */
  readonly workflowBundle?: string;
  /** Payload encryption key file (`--codec-key-file`, env `DURABLE_CRON_CODEC_KEY_FILE`). */
  readonly codecKeyFile?: string;
}

/** Fully resolved settings. `connection` may hold secrets (API key, TLS keys): never print it. */
export interface ResolvedConfig {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly uiUrl: string;
  /** Options for `Connection.connect` / `NativeConnection.connect`, address included. */
  readonly connection: ConnectionSettings;
  /**
   * PostgreSQL connection string of the jobs' database; `undefined` means the embedded database.
   * May hold a password: never print it (use `describeDatabaseUrl`).
   */
  readonly databaseUrl?: string;
  /** Absolute path of a prebuilt workflow bundle; `undefined` means the worker bundles at start. */
  readonly workflowBundle?: string;
  /**
   * Payload encryption keys, newest first; `undefined` means payloads are stored unencrypted.
   * Holds secrets: never print it.
   */
  readonly codec?: CodecSettings;
}

/** Connection settings shared by client and worker connections. */
export type ConnectionSettings = Pick<NativeConnectionOptions, 'tls' | 'apiKey' | 'metadata'> & {
  readonly address: string;
};

/**
 * Resolves the configuration.
 * @param input flags; `undefined` fields fall through to lower layers
 * @param env the environment to read (`process.env` in the CLI)
 * @throws {UsageError} for an unknown profile, an unreadable config file, a malformed address, or
 *   a TLS / API-key setting that cannot be used (see `resolveTls`), or invalid codec keys
 */
export function resolveConfig(input: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const fromEnv = (setting: keyof typeof DURABLE_CRON_ENV) => nonEmpty(env[DURABLE_CRON_ENV[setting]]);
  const envVars = temporalEnv(env);
  let loaded: ReturnType<typeof loadClientConfigProfile>;
  try {
    loaded = loadClientConfigProfile({ profile: input.profile, overrideEnvVars: envVars });
  } catch (err) {
    throw new UsageError(`Temporal client configuration: ${errorMessage(err)}`, { cause: err });
  }
  const address = nonEmpty(input.address) ?? loaded.address ?? DEFAULT_ADDRESS;
  validateAddress(address);
  const namespace = nonEmpty(input.namespace) ?? loaded.namespace ?? DEFAULT_NAMESPACE;
  const taskQueue = nonEmpty(input.taskQueue) ?? fromEnv('taskQueue') ?? DEFAULT_TASK_QUEUE;
  const uiUrl = (nonEmpty(input.uiUrl) ?? fromEnv('uiUrl') ?? defaultUiUrl(address)).replace(/\/+$/, '');
  const profileName = nonEmpty(input.profile) ?? nonEmpty(envVars.TEMPORAL_PROFILE) ?? 'default';
  const { tls, apiKey } = resolveTls(input, loaded, envVars, profileName);
  const metadata = loaded.grpcMeta;
  const databaseUrl = nonEmpty(input.databaseUrl) ?? fromEnv('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('--database-url / DATABASE_URL must start with postgres:// or postgresql://');
  }
  const workflowBundle = nonEmpty(input.workflowBundle) ?? fromEnv('workflowBundle');
  const codec = resolveCodec(input, env);
  return {
    address,
    namespace,
    taskQueue,
    uiUrl,
    connection: {
      address,
      ...(tls !== undefined ? { tls } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
    },
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    ...(workflowBundle !== undefined ? { workflowBundle: resolvePath(workflowBundle) } : {}),
    ...(codec !== undefined ? { codec } : {}),
  };
}

/**
 * Payload encryption keys: `--codec-key-file`, else `DURABLE_CRON_CODEC_KEY_FILE`, else
 * `DURABLE_CRON_CODEC_KEYS`; setting both variables is an error (which one is meant is unclear).
 */
function resolveCodec(input: ConfigInput, env: NodeJS.ProcessEnv): CodecSettings | undefined {
  const flagFile = nonEmpty(input.codecKeyFile);
  if (flagFile !== undefined) return readCodecKeyFile(flagFile, '--codec-key-file');
  const envFile = nonEmpty(env[DURABLE_CRON_ENV.codecKeyFile]);
  const envKeys = nonEmpty(env[DURABLE_CRON_ENV.codecKeys]);
  if (envFile !== undefined && envKeys !== undefined) {
    throw new UsageError('set DURABLE_CRON_CODEC_KEYS or DURABLE_CRON_CODEC_KEY_FILE, not both');
  }
  if (envFile !== undefined) return readCodecKeyFile(envFile, DURABLE_CRON_ENV.codecKeyFile);
  if (envKeys !== undefined) return parseCodecKeyList(envKeys, DURABLE_CRON_ENV.codecKeys);
  return undefined;
}

/**
 * Guesses the Web UI for an address: the dev server serves it on the gRPC port + 1000,
 * Temporal Cloud at cloud.temporal.io, a self-hosted cluster (docker-compose) on port 8080.
 */
export function defaultUiUrl(address: string): string {
  const { host, port } = splitAddress(address);
  if (host.endsWith('.tmprl.cloud') || host.endsWith('.api.temporal.io')) return 'https://cloud.temporal.io';
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1')
    return `http://localhost:${port + 1000}`;
  return `http://${host}:8080`;
}

/** Web UI URL of the workflow list, optionally filtered by a visibility query. */
export function uiWorkflowsUrl(config: Pick<ResolvedConfig, 'uiUrl' | 'namespace'>, query?: string): string {
  const base = `${config.uiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows`;
  return query ? `${base}?query=${encodeURIComponent(query)}` : base;
}

/** Web UI URL of one run's history. */
export function uiRunUrl(
  config: Pick<ResolvedConfig, 'uiUrl' | 'namespace'>,
  workflowId: string,
  runId: string,
): string {
  return `${uiWorkflowsUrl(config)}/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

function splitAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  if (!match) {
    throw new UsageError(`--address '${address}' is not host:port (e.g. localhost:7233)`);
  }
  const port = Number(match[3]);
  if (port < 1 || port > 65535) throw new UsageError(`--address '${address}': port must be 1-65535`);
  return { host: match[1] ?? match[2] ?? '', port };
}

function validateAddress(address: string): void {
  splitAddress(address);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Name of the project config file, looked up in the working directory. */
export const PROJECT_CONFIG_FILE = 'durable-cron.config.json';

/** A project's settings for the CLI (`durable-cron.config.json`), paths resolved from its folder. */
export interface ProjectConfig {
  /** The config file read, if any. */
  readonly path?: string;
  /** Jobs modules or folders (`--jobs`), absolute. @default none: only the built-in job types */
  readonly jobs: readonly string[];
  /** The jobs file (`-f`), absolute. */
  readonly file?: string;
  /** Hosts the `http` job type may call (`--allow-http`). */
  readonly allowHttp?: readonly string[];
  /** Whether the `command` job type may run programs (`--allow-command`). */
  readonly allowCommand?: boolean;
}

const PROJECT_KEYS = ['jobs', 'file', 'allowHttp', 'allowCommand'] as const;

/**
 * Reads the project config: `explicit` (`--config`), else `durable-cron.config.json` in `cwd` if
 * present, else an empty config.
 * @throws {UsageError} for an unreadable file, bad JSON, or a field of the wrong type, naming it
 */
export function readProjectConfig(explicit: string | undefined, cwd: string = process.cwd()): ProjectConfig {
  const path = resolvePath(cwd, explicit ?? PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (explicit === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return { jobs: [] };
    throw new UsageError(`--config ${explicit ?? path}: ${errorMessage(err)}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${errorMessage(err)}`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${path}: must be a JSON object with ${PROJECT_KEYS.join(', ')}`);
  }
  const raw = data as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !(PROJECT_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new UsageError(`${path}: unknown key '${unknown[0]}' (valid: ${PROJECT_KEYS.join(', ')})`);
  }
  const dir = dirname(path);
  const strings = (key: string, value: unknown): string[] => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v.trim() === '')) {
      throw new UsageError(`${path}: '${key}' must be a path or a list of paths`);
    }
    return list as string[];
  };
  const config: { -readonly [K in keyof ProjectConfig]: ProjectConfig[K] } = { path, jobs: [] };
  if (raw.jobs !== undefined) config.jobs = strings('jobs', raw.jobs).map((p) => resolvePath(dir, p));
  if (raw.file !== undefined) {
    if (typeof raw.file !== 'string' || raw.file.trim() === '') {
      throw new UsageError(`${path}: 'file' must be the path of the jobs file`);
    }
    config.file = resolvePath(dir, raw.file);
  }
  if (raw.allowHttp !== undefined) config.allowHttp = strings('allowHttp', raw.allowHttp);
  if (raw.allowCommand !== undefined) {
    if (typeof raw.allowCommand !== 'boolean')
      throw new UsageError(`${path}: 'allowCommand' must be true or false`);
    config.allowCommand = raw.allowCommand;
  }
  return config;
}

/**
 * The PostgreSQL server of `durable-cron cluster`: the `--postgres-url` flag, then
 * `DURABLE_CRON_CLUSTER_POSTGRES_URL`, else undefined (the cluster's default).
 */
export function clusterPostgresUrl(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return nonEmpty(flag) ?? nonEmpty(env.DURABLE_CRON_CLUSTER_POSTGRES_URL);
}
