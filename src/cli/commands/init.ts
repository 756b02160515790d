/**
 * `durable-cron init [dir]`: creates a project with an example job type, its unit test, a jobs
 * file and the config that points the other commands at them, then says what to run next.
 */
import { relative } from 'node:path';
import { scaffoldProject } from '../../init/scaffold';
import { printJson, type Output } from '../output';

/** Flags of `init`. */
export interface InitFlags {
  force?: boolean;
  /** `--durable-cron <spec>`: the project's durable-cron dependency. */
  durableCron?: string;
  json?: boolean;
}

/** Creates the project in `dir` (default: the working directory) and reports what was written. */
export function runInit(dir: string | undefined, flags: InitFlags, output: Output): void {
  const result = scaffoldProject({
    dir: dir ?? '.',
    force: flags.force,
    durableCron: flags.durableCron,
  });
  if (flags.json) {
    printJson(output, result);
    return;
  }
  output.out(`Created a durable-cron project in ${result.dir}:`);
  for (const file of result.created) output.out(`  + ${file}`);
  if (result.kept.length > 0) {
    output.out('Kept as they were (already there):');
    for (const file of result.kept) output.out(`  = ${file}`);
    if (result.kept.includes('package.json')) {
      output.out(
        `  package.json was kept: make sure it depends on durable-cron (${result.durableCron}) and zod, ` +
          'and has the scripts test, start, worker and apply',
      );
    }
  }
  const where = relative(process.cwd(), result.dir);
  output.out('');
  output.out('Next:');
  if (where !== '') output.out(`  cd ${where.includes(' ') ? JSON.stringify(where) : where}`);
  output.out('  npm install');
  output.out('  npm test     # type check and the unit tests of jobs/hello.ts (no Temporal needed)');
  output.out(
    '  npm start    # local Temporal dev server and Web UI, jobs.yaml applied, a worker; Ctrl-C stops',
  );
}
