/**
 * What commands that work with job types resolve first: the project config, the jobs modules
 * (`--jobs`, else the config's `jobs`), and the jobs file (`-f`, else the config's `file`).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readProjectConfig, type ProjectConfig } from '../config';
import { UsageError } from '../errors';
import { loadJobModules, type LoadedJobModules } from '../job-types/modules';

/** The flags involved, as commander parses them (`--config` is global). */
export interface JobsFlags {
  config?: string;
  /** Repeatable; each value may be a comma-separated list. */
  jobs?: string[];
  file?: string;
}

/** The project config of a command (`--config`, else ./durable-cron.config.json). */
export function projectFrom(command: Command): ProjectConfig {
  return readProjectConfig(command.optsWithGlobals<JobsFlags>().config);
}

/**
 * The jobs modules of a command: `--jobs` when given (relative to the working directory), else the
 * project config's. Loaded with the built-in job types.
 * @throws {JobModuleError} when a module cannot be loaded
 */
export function jobModulesFrom(
  command: Command,
  project: ProjectConfig = projectFrom(command),
): LoadedJobModules {
  const flags = command.optsWithGlobals<JobsFlags>();
  const specs = flags.jobs?.length ? flags.jobs.map((p) => resolve(p)) : project.jobs;
  return loadJobModules(specs);
}

/**
 * The jobs file of a command: `-f` when given, else the project config's `file`.
 * @throws {UsageError} when neither names one
 */
export function jobsFileFrom(command: Command, project: ProjectConfig = projectFrom(command)): string {
  const file = command.opts<JobsFlags>().file ?? project.file;
  if (file === undefined) {
    throw new UsageError(
      `no jobs file: pass -f <file>, or set "file" in durable-cron.config.json (run 'durable-cron init' to make one)`,
    );
  }
  return file;
}
