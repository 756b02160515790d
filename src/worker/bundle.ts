/**
 * Bundling the workflow code of a worker's job types once: the own workflows of the job types that
 * have one, and durable-cron's generic workflow as the default workflow (which runs every steps job
 * type, whose runs carry the job type's name as workflow type), with the run-metrics interceptors.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { JobTypeRegistry } from '../job-types/registry';

/** The generic workflow of steps job types. */
export const RUN_STEPS_PATH = require.resolve('../../workflows/run-steps');

/** Path of the workflow interceptors (run metrics and logs) bundled with the workflows. */
export const WORKFLOW_INTERCEPTORS_PATH = require.resolve('../../workflows/interceptors');

/**
 * Bundles the workflows of `source` once; pass the result to several workers.
 * @param source the job types whose workflows to bundle, or (tests) the path of one workflows module
 */
export async function bundleWorkflows(
  source: JobTypeRegistry | string,
): Promise<WorkflowBundleWithSourceMap> {
  if (typeof source === 'string') return bundle(source);
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-workflows-'));
  try {
    const entry = join(dir, 'workflows.js');
    writeFileSync(entry, workflowsEntry(source));
    return await bundle(entry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The source of the module the bundle starts from: one export per workflow, and the default, which
 * gets the plans of the registry's steps job types as the bundle loads.
 */
export function workflowsEntry(registry: JobTypeRegistry): string {
  const lines = registry
    .workflows()
    .map((ref) => `export { ${ref.export} } from ${JSON.stringify(ref.module)};`);
  const runSteps = JSON.stringify(RUN_STEPS_PATH);
  lines.push(`import { registerPlans } from ${runSteps};`);
  lines.push(`registerPlans(${JSON.stringify(registry.plans())});`);
  lines.push(`export { runSteps as default } from ${runSteps};`);
  return `${lines.join('\n')}\n`;
}

/**
 * A digest of the plans a bundle of `registry` carries: a prebuilt bundle whose digest differs from
 * its worker's registry's would run new runs with other steps than the worker's activities.
 */
export function plansDigest(registry: JobTypeRegistry): string {
  return createHash('sha256').update(JSON.stringify(registry.plans())).digest('hex').slice(0, 16);
}

/**
 * The node_modules folder durable-cron's own `@temporalio/workflow` is in. The generated entry
 * lives in a temporary folder, and a user's workflow module may sit where no node_modules has the
 * SDK: both resolve it (and the SDK's own imports) from here.
 */
const SDK_MODULES = dirname(dirname(dirname(require.resolve('@temporalio/workflow/package.json'))));

function bundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: quietLogger,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        modules: [...(config.resolve?.modules ?? ['node_modules']), SDK_MODULES],
      },
    }),
  });
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
