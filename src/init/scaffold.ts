/**
 * Creating a project for `durable-cron init`: checks the folder and the options first, then writes
 * each template file that does not exist yet. Existing files are never overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError, errorMessage } from '../errors';
import { projectTemplates } from './templates';

/** What to create. */
export interface ScaffoldOptions {
  /** The project folder, created when missing. */
  readonly dir: string;
  /** Also write into a folder that has files (existing files are kept). @default false */
  readonly force?: boolean;
  /**
   * The project's durable-cron dependency: a version range, or a path (or `file:` spec) of a
   * tarball or folder, resolved against `cwd`. @default `^<this durable-cron's version>`
   */
  readonly durableCron?: string;
  /** Where relative paths are resolved. @default process.cwd() */
  readonly cwd?: string;
}

/** What was done. */
export interface ScaffoldResult {
  /** The project folder, absolute. */
  readonly dir: string;
  /** The project's package name. */
  readonly name: string;
  /** Files written, relative to `dir`. */
  readonly created: readonly string[];
  /** Files that existed and were kept as they were, relative to `dir`. */
  readonly kept: readonly string[];
  /** The durable-cron dependency the project's package.json names. */
  readonly durableCron: string;
}

/** Folder entries that do not make a folder "non-empty". */
const IGNORED_ENTRIES = new Set(['.git']);

/**
 * Creates a durable-cron project in `options.dir`.
 * @throws {UsageError} when `dir` is a file, is not empty (without `force`), or the durable-cron
 *   spec names a path that does not exist; nothing is written then
 */
export function scaffoldProject(options: ScaffoldOptions): ScaffoldResult {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  const entries = existingEntries(dir);
  if (entries.length > 0 && !options.force) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
    throw new UsageError(
      `${dir} is not empty (${shown}): pass --force to add the project's files anyway (existing files are kept), or choose another folder`,
    );
  }
  const own = ownPackage();
  const durableCron = dependencySpec(options.durableCron, cwd) ?? `^${own.version}`;
  const name = packageName(dir);
  const files = projectTemplates({
    name,
    versions: {
      durableCron,
      // The project's zod must satisfy durable-cron's peer range: one zod for both.
      zod: caret(own.peerDependencies.zod ?? '4'),
      typescript: caret(own.devDependencies.typescript ?? '5'),
      typesNode: caret(own.devDependencies['@types/node'] ?? '20'),
    },
  });
  const created: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const path = join(dir, ...file.path.split('/'));
    try {
      mkdirSync(dirname(path), { recursive: true });
      // 'wx' fails when the file exists, so a file created meanwhile is kept too.
      writeFileSync(path, file.content, { flag: 'wx' });
      created.push(file.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UsageError(`cannot write ${path}: ${errorMessage(err)}`, { cause: err });
      }
      kept.push(file.path);
    }
  }
  return { dir, name, created, kept, durableCron };
}

/** The folder's entries that count, or none when it does not exist. */
function existingEntries(dir: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`cannot read ${dir}: ${errorMessage(err)}`, { cause: err });
  }
  if (!isDirectory) throw new UsageError(`${dir} is a file: give a folder for the project`);
  return readdirSync(dir)
    .filter((entry) => !IGNORED_ENTRIES.has(entry))
    .sort();
}

/**
 * The dependency spec for `--durable-cron`: paths (`./x.tgz`, `/abs/dir`, `file:../x.tgz`) become
 * absolute `file:` specs, since the project's package.json may sit elsewhere than `cwd`; anything
 * else (a range, a tag, a git URL) is passed to npm as given.
 */
function dependencySpec(spec: string | undefined, cwd: string): string | undefined {
  if (spec === undefined) return undefined;
  const trimmed = spec.trim();
  if (trimmed === '')
    throw new UsageError('--durable-cron must not be empty (e.g. ^0.1.0 or ./durable-cron.tgz)');
  const path = trimmed.startsWith('file:')
    ? trimmed.slice('file:'.length)
    : /^(\.{1,2}[\\/]|[\\/]|~[\\/])|\.t(ar\.)?gz$/.test(trimmed)
      ? trimmed
      : undefined;
  if (path === undefined) return trimmed;
  const absolute = resolve(cwd, path.replace(/^~(?=[\\/])/, process.env.HOME ?? '~'));
  if (!existsSync(absolute)) {
    throw new UsageError(`--durable-cron ${spec}: no such file or folder (${absolute})`);
  }
  return `file:${absolute}`;
}

/** An npm package name from the folder's name: lowercase, URL-safe, not a dependency's name. */
export function packageName(dir: string): string {
  const base = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 200);
  if (base === '') return 'durable-cron-jobs';
  // npm refuses to install a package into a project of the same name.
  return base === 'durable-cron' || base === 'zod' ? `${base}-jobs` : base;
}

/** `4.6.7` → `^4.6.7`; a range stays as it is. */
function caret(spec: string): string {
  return /^\d/.test(spec) ? `^${spec}` : spec;
}

interface OwnPackage {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** durable-cron's own package.json (the versions the project depends on). */
function ownPackage(): OwnPackage {
  // dist/src/init/ → the package root.
  const path = join(__dirname, '..', '..', '..', 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as Partial<OwnPackage>;
  return {
    version: pkg.version ?? '0.0.0',
    peerDependencies: pkg.peerDependencies ?? {},
    devDependencies: pkg.devDependencies ?? {},
  };
}
