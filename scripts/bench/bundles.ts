/**
 * The workflow bundles of both Temporal systems, built once per bench run and written to files the
 * worker processes load, so starting workers between benchmarks does not bundle again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadJobModules } from '../../src/job-types/modules';
import { bundleWorkflows } from '../../src/worker/bundle';
import { BENCH_JOBS_MODULE } from './ours';

/** Paths of the bundle files. */
export interface Bundles {
  /** durable-cron's workflows for the bench job types. */
  readonly ours: string;
  /** The raw SDK baseline's workflows. */
  readonly raw: string;
  /** Removes the files. */
  remove(): void;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Builds both bundles. */
export async function buildBundles(): Promise<Bundles> {
  const dir = mkdtempSync(join(tmpdir(), 'durable-cron-bench-bundles-'));
  const ours = join(dir, 'ours.js');
  const raw = join(dir, 'raw.js');
  writeFileSync(ours, (await bundleWorkflows(loadJobModules([BENCH_JOBS_MODULE]).registry)).code);
  writeFileSync(
    raw,
    (await bundleWorkflowCode({ workflowsPath: require.resolve('./raw-workflows'), logger: quiet })).code,
  );
  return { ours, raw, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
