/** Resolving a command's configuration from its global flags and the environment. */
import type { Command } from 'commander';
import { resolveConfig, type ResolvedConfig } from '../config';

/** Global flags, as commander parses them. */
export interface GlobalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  profile?: string;
  uiUrl?: string;
  /** `--tls` true, `--no-tls` false, neither undefined. */
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  apiKeyFile?: string;
  /** Only on commands that use the jobs' database. */
  databaseUrl?: string;
  /** Only on `worker`. */
  workflowBundle?: string;
  codecKeyFile?: string;
  verbose?: boolean;
}

/** Resolves configuration from a command's global flags and the environment. */
export function configFrom(command: Command): ResolvedConfig {
  const flags = command.optsWithGlobals<GlobalFlags>();
  return resolveConfig({
    address: flags.address,
    namespace: flags.namespace,
    taskQueue: flags.taskQueue,
    profile: flags.profile,
    uiUrl: flags.uiUrl,
    tls: flags.tls,
    tlsCa: flags.tlsCa,
    tlsCert: flags.tlsCert,
    tlsKey: flags.tlsKey,
    tlsServerName: flags.tlsServerName,
    apiKeyFile: flags.apiKeyFile,
    databaseUrl: flags.databaseUrl,
    workflowBundle: flags.workflowBundle,
    codecKeyFile: flags.codecKeyFile,
  });
}
