/** `durable-cron job-types`: the job types `--jobs` (or the project config) gives, with their steps. */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { jobModulesFrom } from '../jobs';
import { printJson, printTable, type Output } from '../output';

/** Lists the built-in and loaded job types: name, where it comes from, workflow, steps. */
export function runJobTypes(flags: { json?: boolean }, output: Output, cmd: Command): void {
  const { registry } = jobModulesFrom(cmd);
  const types = registry.list().map((type) => ({
    name: type.name,
    description: type.description,
    source: registry.sourceOf(type.name) ?? '',
    workflow: type.workflow ? type.workflowType : '(steps)',
    steps: type.steps.map((s) => ({
      name: s.name,
      ...(s.compensation ? { compensation: s.compensation } : {}),
      timeout: s.policy.startToCloseTimeout,
      ...(s.policy.retry.maximumAttempts !== undefined
        ? { maximumAttempts: s.policy.retry.maximumAttempts }
        : {}),
    })),
  }));
  if (flags.json) {
    printJson(output, types);
    return;
  }
  printTable(
    output,
    ['TYPE', 'WORKFLOW', 'STEPS (COMPENSATION)', 'SOURCE'],
    types.map((t) => [
      t.name,
      t.workflow,
      t.steps.map((s) => (s.compensation ? `${s.name} (${s.compensation})` : s.name)).join(', '),
      t.source === 'built-in' ? t.source : relative(process.cwd(), t.source) || t.source,
    ]),
  );
}
