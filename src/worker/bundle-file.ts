/**
 * Workflow bundles built ahead of time (`durable-cron bundle`, e.g. while a container image is
 * built) and used by `durable-cron worker --workflow-bundle`. The file is the SDK's bundle with one
 * manifest line naming the workflows in it and the SDK version that built it; a worker checks the
 * file before it starts anything, so a missing, corrupt or stale bundle fails with one line.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { UsageError, errorMessage } from '../errors';
import type { JobTypeRegistry } from '../job-types/registry';
import { bundleWorkflows, plansDigest } from './bundle';

/** What a bundle file holds, from its manifest line. */
export interface BundleManifest {
  /** Version of durable-cron that built it. */
  readonly durableCron: string;
  /** Version of `@temporalio/workflow` bundled in it; a worker of another version refuses it. */
  readonly temporalWorkflow: string;
  /** The workflow functions it exports, besides `default` (durable-cron's steps workflow). */
  readonly workflows: readonly string[];
  /**
   * Digest of the steps job types' plans (steps and policies) in it; a worker whose job types have
   * other plans refuses it. Absent in bundles of versions that took plans from a local activity.
   */
  readonly plans?: string;
}

/** The flag and variable naming the bundle, for messages. */
export const WORKFLOW_BUNDLE_SOURCE = '--workflow-bundle / DURABLE_CRON_WORKFLOW_BUNDLE';

const MANIFEST_PREFIX = '// durable-cron-workflow-bundle ';
/** The SDK reads the inline source map from the end of the file: the manifest goes just before. */
const SOURCE_MAP_MARK = '\n//# sourceMappingURL=data:';

/** Version of the `@temporalio/workflow` this durable-cron bundles. */
export function temporalWorkflowVersion(): string {
  return packageVersion(require.resolve('@temporalio/workflow/package.json'));
}

function packageVersion(path: string): string {
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** Names of the workflows a worker with `registry` needs in its bundle. */
function neededWorkflows(registry: JobTypeRegistry): string[] {
  return registry
    .workflows()
    .map((ref) => ref.export)
    .sort();
}

/**
 * Bundles the workflows of `registry` and writes them, with the manifest, to `outPath` (atomically:
 * a reader never sees half a file).
 * @returns the manifest and the file's size in bytes
 */
export async function writeWorkflowBundle(
  registry: JobTypeRegistry,
  outPath: string,
): Promise<{ manifest: BundleManifest; bytes: number }> {
  const { code } = await bundleWorkflows(registry);
  const manifest: BundleManifest = {
    // dist/src/worker/ → the package root.
    durableCron: packageVersion(join(__dirname, '..', '..', '..', 'package.json')),
    temporalWorkflow: temporalWorkflowVersion(),
    workflows: neededWorkflows(registry),
    plans: plansDigest(registry),
  };
  const at = code.lastIndexOf(SOURCE_MAP_MARK);
  if (at < 0) throw new Error('the SDK bundle has no inline source map');
  const text = `${code.slice(0, at)}\n${MANIFEST_PREFIX}${JSON.stringify(manifest)}${code.slice(at)}`;
  mkdirSync(dirname(outPath), { recursive: true });
  const partial = `${outPath}.${process.pid}.partial`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, outPath);
  } finally {
    rmSync(partial, { force: true });
  }
  return { manifest, bytes: Buffer.byteLength(text) };
}

/**
 * Checks that `path` is a bundle made by `durable-cron bundle` that a worker with `registry` can
 * run: readable, whole (it compiles), built with this worker's SDK version, and holding every
 * workflow of the registry's job types.
 * @throws {UsageError} naming the file and what is wrong with it
 */
export function checkWorkflowBundle(path: string, registry: JobTypeRegistry): BundleManifest {
  const rebuild = `rebuild it with 'durable-cron bundle --out ${path}'`;
  let code: string;
  try {
    code = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err);
    throw new UsageError(`${WORKFLOW_BUNDLE_SOURCE} ${path}: ${reason}`, { cause: err });
  }
  const line = code.split('\n').find((l) => l.startsWith(MANIFEST_PREFIX));
  const manifest = line === undefined ? undefined : parseManifest(line.slice(MANIFEST_PREFIX.length));
  if (manifest === undefined || !code.includes(SOURCE_MAP_MARK)) {
    throw new UsageError(
      `${WORKFLOW_BUNDLE_SOURCE} ${path}: not a workflow bundle made by 'durable-cron bundle' (or cut short); ${rebuild}`,
    );
  }
  try {
    new Script(code, { filename: path });
    // The SDK parses the inline source map: a file cut inside it fails here, not in every worker.
    const map = code.slice(code.lastIndexOf(SOURCE_MAP_MARK));
    JSON.parse(Buffer.from(map.slice(map.indexOf('base64,') + 7).trimEnd(), 'base64').toString());
  } catch (err) {
    throw new UsageError(`${WORKFLOW_BUNDLE_SOURCE} ${path}: corrupt (${errorMessage(err)}); ${rebuild}`, {
      cause: err,
    });
  }
  const sdk = temporalWorkflowVersion();
  if (manifest.temporalWorkflow !== sdk) {
    throw new UsageError(
      `${WORKFLOW_BUNDLE_SOURCE} ${path}: built with @temporalio/workflow ${manifest.temporalWorkflow}, this worker has ${sdk}; ${rebuild}`,
    );
  }
  const missing = neededWorkflows(registry).filter((name) => !manifest.workflows.includes(name));
  if (missing.length > 0) {
    throw new UsageError(
      `${WORKFLOW_BUNDLE_SOURCE} ${path}: lacks the workflow(s) ${missing.join(', ')} of this worker's job types ` +
        `(built with other --jobs?); ${rebuild} and the same --jobs`,
    );
  }
  if (manifest.plans !== plansDigest(registry)) {
    throw new UsageError(
      manifest.plans === undefined
        ? `${WORKFLOW_BUNDLE_SOURCE} ${path}: built by durable-cron ${manifest.durableCron}, whose bundles carry no step plans; ${rebuild}`
        : `${WORKFLOW_BUNDLE_SOURCE} ${path}: its steps job types' steps or policies differ from this worker's ` +
            `(changed since it was built, or built with other --jobs); ${rebuild} and the same --jobs`,
    );
  }
  return manifest;
}

function parseManifest(text: string): BundleManifest | undefined {
  try {
    const data = JSON.parse(text) as Partial<BundleManifest>;
    if (
      typeof data.durableCron === 'string' &&
      typeof data.temporalWorkflow === 'string' &&
      Array.isArray(data.workflows) &&
      data.workflows.every((w) => typeof w === 'string') &&
      (data.plans === undefined || typeof data.plans === 'string')
    ) {
      return data as BundleManifest;
    }
  } catch {
    // Falls through: not a manifest.
  }
  return undefined;
}
