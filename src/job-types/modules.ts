/**
 * Loading the user's job types (`--jobs <module or folder>`, or `jobs:` in the project config):
 * a module exports job types made with `defineJob` (as named exports, a default export, or arrays
 * of them) and may export `migrations`, the tables its activities need (`durable-cron setup`
 * applies them). A folder with an `index` module is that module; any other folder is every
 * `.js`/`.ts` module in it. TypeScript modules load without a build step (see ts-hook.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { MigrationSet } from '../db/migrate';
import { JobModuleError, errorMessage } from '../errors';
import type { InjectedFailure } from '../worker/failure-injection';
import { BUILTIN_JOB_TYPES } from './builtin';
import { isJobType, type JobType } from './define';
import { JobTypeRegistry, type SourcedJobType } from './registry';
import { registerTypeScript } from './ts-hook';

const MODULE_EXTENSIONS = ['.ts', '.js', '.cjs', '.cts'];

/**
 * What `durable-cron start` (the local demo) runs for a jobs module, when the module exports it as
 * `start`: `prepare` after the database is migrated (seed data), `demo` once the jobs have run, and
 * the steps its demo worker makes fail on purpose.
 */
export interface StartHooks {
  /**
   * Steps the demo's worker makes fail, to show a compensated run. Only `durable-cron start` reads
   * it; `durable-cron worker` never injects failures. @default none
   */
  readonly failures?: readonly InjectedFailure[];
  /** Returns a line to print, if any. */
  prepare?(this: void, ctx: { readonly db: Pool }): Promise<string | void>;
  demo?(this: void, ctx: DemoContext): Promise<void>;
}

/** What a module's `start.demo` gets. */
export interface DemoContext {
  readonly db: Pool;
  readonly client: Client;
  readonly taskQueue: string;
  /** Prints a line. */
  print(this: void, line: string): void;
}

/** What the jobs modules gave. */
export interface LoadedJobModules {
  /** The built-in job types, then every module's, in the order given. */
  readonly registry: JobTypeRegistry;
  /** The migration sets the modules export, in the order given. */
  readonly migrations: readonly MigrationSet[];
  /** Absolute paths of the modules loaded. */
  readonly modules: readonly string[];
  /** The modules' `start` hooks. */
  readonly startHooks: readonly StartHooks[];
}

/**
 * Loads the job types of `specs` (module files or folders, relative to `cwd`) on top of the
 * built-in ones.
 * @throws {JobModuleError} for a missing path, a module that fails to load or exports no job type,
 *   or job types that clash
 */
export function loadJobModules(specs: readonly string[], cwd: string = process.cwd()): LoadedJobModules {
  const types: SourcedJobType[] = BUILTIN_JOB_TYPES.map((type) => ({ type, source: 'built-in' }));
  const migrations: MigrationSet[] = [];
  const modules: string[] = [];
  const startHooks: StartHooks[] = [];
  for (const spec of specs) {
    for (const file of moduleFiles(spec, cwd)) {
      const exports = requireModule(spec, file);
      const found = jobTypesOf(exports);
      const migrationSet = (exports as { migrations?: unknown }).migrations;
      if (found.length === 0 && migrationSet === undefined) {
        throw new JobModuleError(
          `${file} exports no job type: export what defineJob returns (e.g. export const myJob = defineJob({...}))`,
          spec,
        );
      }
      types.push(...found.map((type) => ({ type, source: file })));
      if (migrationSet !== undefined) migrations.push(checkMigrationSet(migrationSet, file, spec));
      const start = (exports as { start?: StartHooks }).start;
      if (typeof start === 'object' && start !== null) startHooks.push(start);
      modules.push(file);
    }
  }
  return { registry: new JobTypeRegistry(types), migrations, modules, startHooks };
}

/** The module files a `--jobs` spec names. */
function moduleFiles(spec: string, cwd: string): string[] {
  const path = resolve(cwd, spec);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // A module path without its extension, as require() takes it.
    const withExtension = MODULE_EXTENSIONS.map((ext) => path + ext).find((p) => isFile(p));
    if (withExtension) return [withExtension];
    throw new JobModuleError(`--jobs ${spec}: no such file or folder (looked in ${cwd})`, spec);
  }
  if (!isDirectory) return [path];
  const index = MODULE_EXTENSIONS.map((ext) => join(path, `index${ext}`)).find((p) => isFile(p));
  if (index) return [index];
  const files = readdirSync(path)
    .filter((name) => MODULE_EXTENSIONS.includes(extname(name)) && !/\.(d|test|spec)\.[cm]?[jt]s$/.test(name))
    .sort()
    .map((name) => join(path, name))
    .filter((p) => isFile(p));
  if (files.length === 0) {
    throw new JobModuleError(`--jobs ${spec}: the folder has no .ts or .js module`, spec);
  }
  return files;
}

function requireModule(spec: string, file: string): unknown {
  if (file.endsWith('.ts') || file.endsWith('.cts')) registerTypeScript();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as unknown;
  } catch (err) {
    if (err instanceof JobModuleError) throw err;
    throw new JobModuleError(`--jobs ${spec}: cannot load ${file}: ${errorMessage(err)}`, spec, {
      cause: err,
    });
  }
}

/** The job types among a module's exports (each once). */
function jobTypesOf(exports: unknown): JobType[] {
  if (typeof exports !== 'object' || exports === null) return [];
  const found = new Set<JobType>();
  const visit = (value: unknown) => {
    if (isJobType(value)) found.add(value);
    else if (Array.isArray(value)) value.forEach((v) => isJobType(v) && found.add(v));
  };
  for (const value of Object.values(exports)) {
    visit(value);
    // `export default [...]` compiled to CommonJS.
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isJobType(value)) {
      Object.values(value as Record<string, unknown>).forEach(visit);
    }
  }
  return [...found];
}

function checkMigrationSet(value: unknown, file: string, spec: string): MigrationSet {
  const set = value as Partial<MigrationSet> | null;
  if (
    typeof set !== 'object' ||
    set === null ||
    typeof set.source !== 'string' ||
    !Array.isArray(set.migrations)
  ) {
    throw new JobModuleError(
      `${file}: 'migrations' must be { source: string, migrations: [{ version, name, sql }] }`,
      spec,
    );
  }
  return set as MigrationSet;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
