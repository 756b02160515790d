/**
 * The files `durable-cron init` writes: a project whose example job type runs out of the box with
 * `npm start` (the embedded database gives `once` its table), whose test needs no Temporal, and
 * whose jobs file schedules the example every minute.
 */

/** What varies between projects. */
export interface TemplateOptions {
  /** npm package name of the project. */
  readonly name: string;
  /** Version specs of the project's dependencies. */
  readonly versions: {
    readonly durableCron: string;
    readonly zod: string;
    readonly typescript: string;
    readonly typesNode: string;
  };
}

/** One file of the project, its path relative to the project folder with `/` separators. */
export interface TemplateFile {
  readonly path: string;
  readonly content: string;
}

/** The project's files, in the order they are listed. */
export function projectTemplates(options: TemplateOptions): TemplateFile[] {
  return [
    { path: 'package.json', content: packageJson(options) },
    { path: 'tsconfig.json', content: json(TSCONFIG) },
    { path: 'durable-cron.config.json', content: json({ jobs: 'jobs', file: 'jobs.yaml' }) },
    { path: 'jobs.yaml', content: jobsYaml(projectOf(options.name)) },
    { path: 'jobs/hello.ts', content: HELLO_JOB },
    { path: 'test/hello.test.ts', content: HELLO_TEST },
    { path: '.gitignore', content: 'node_modules/\n.data/\n' },
    { path: 'README.md', content: readme(options.name) },
  ];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function packageJson({ name, versions }: TemplateOptions): string {
  return json({
    name,
    version: '0.1.0',
    private: true,
    description: 'Scheduled jobs on Temporal, run by durable-cron',
    scripts: {
      typecheck: 'tsc -p tsconfig.json',
      test: 'tsc -p tsconfig.json && node --require durable-cron/register --test test/*.test.ts',
      start: 'durable-cron start',
      worker: 'durable-cron worker',
      apply: 'durable-cron apply',
      validate: 'durable-cron validate',
    },
    dependencies: { 'durable-cron': versions.durableCron, zod: versions.zod },
    devDependencies: { '@types/node': versions.typesNode, typescript: versions.typescript },
  });
}

// Type checking only: durable-cron loads the .ts files itself (jobs with --jobs, tests with
// durable-cron/register), so imports name the .ts file, as Node's own TypeScript support wants.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'node16',
    moduleResolution: 'node16',
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    isolatedModules: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
  },
  include: ['jobs', 'test'],
};

/** The jobs file's `project:` for a package name: [a-z0-9][a-z0-9-]{0,62}. */
function projectOf(name: string): string {
  const project = name
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return project === '' ? 'jobs' : project;
}

function jobsYaml(project: string): string {
  return `# The jobs durable-cron schedules: one Temporal Schedule per job.
# \`npm run validate\` checks this file, \`npm run apply\` makes Temporal's schedules match it
# (\`npx durable-cron apply --dry-run\` prints the plan only), \`npm start\` does it all locally.
version: 1
project: ${project} # owner of these schedules in the namespace: apply --prune deletes only its own
jobs:
  - id: hello-acme # schedule id and prefix of its runs' ids: lowercase letters, digits, dashes
    type: hello # the job type: the name of a defineJob in jobs/
    customer: acme # search attribute on every run: durable-cron runs list --customer acme
    env: dev # search attribute on every run: durable-cron runs list --env dev
    description: Greets Acme every minute
    schedule:
      cron: '* * * * *' # every minute: 5 fields (6 with leading seconds), or every: 15m instead
      timezone: UTC # IANA time zone the cron is read in, e.g. Europe/Berlin
    input: # checked against the job type's input schema (jobs/hello.ts)
      greeting: Hello
`;
}

const HELLO_JOB = `/**
 * An example job type. Each step is a plain async function that durable-cron runs as a Temporal
 * activity with its own timeout and retries. A run is a saga: when a step fails for good, the
 * compensations of the steps that completed run, newest first.
 *
 * Every module in jobs/ that exports what defineJob returns adds job types; schedule them in
 * jobs.yaml.
 */
import { defineJob } from 'durable-cron';
import { z } from 'zod';

export const hello = defineJob({
  name: 'hello',
  description: "Greets the job's customer, once per fire time",
  // The job's \`input:\` in jobs.yaml, checked by \`durable-cron validate\` and \`apply\`.
  input: z.object({
    greeting: z.string().min(1).default('Hello'),
    // true makes the \`report\` step fail, so you can watch \`announce\` being compensated.
    failReport: z.boolean().default(false),
  }),
  steps: [
    {
      name: 'announce',
      timeout: '30s',
      retry: { maximumAttempts: 5 },
      run: async ({ job, input, once }) => {
        const text = \`\${input.greeting}, \${job.customer} (\${job.env})! Fire time: \${job.fireTime}\`;
        // Runs the effect once per run and step: the key <workflowId>/announce is recorded in
        // durable-cron's database, so a retry, or a second run of the same fire time, gets the
        // first result back instead of announcing again.
        const { result } = await once(async () => {
          console.log(text);
          return { text, announcedAt: new Date().toISOString() };
        });
        return result;
      },
      // Undoes \`announce\` when a later step fails for good. It may run more than once (and for an
      // attempt that timed out, with no result): keep it idempotent.
      compensate: async ({ stepKey }) => {
        console.log(\`withdrawn: \${stepKey}\`);
        return { withdrawn: stepKey };
      },
    },
    {
      name: 'report',
      retry: { maximumAttempts: 3 },
      // What earlier steps returned comes in \`results\`, by step name.
      run: async ({ input, results }) => {
        const { text } = results.announce as { text: string };
        if (input.failReport) throw new Error('failReport is set in jobs.yaml');
        return { characters: text.length };
      },
    },
  ],
});
`;

const HELLO_TEST = `/**
 * Unit tests of the hello job type: each step is called directly with the arguments a worker would
 * give it (stepArgsForTest), so no Temporal server or database is needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobStep, stepArgsForTest } from 'durable-cron';
import { hello } from '../jobs/hello.ts';

test('announce greets the customer, once per run', async () => {
  const announce = jobStep(hello, 'announce');
  const args = stepArgsForTest({
    jobType: hello,
    step: 'announce',
    job: { customer: 'acme', env: 'dev' },
    input: { greeting: 'Hi' },
  });
  const first = (await announce.run(args)) as { text: string };
  assert.match(first.text, /^Hi, acme \\(dev\\)!/);
  // A retry has the same idempotency key: once returns the first result, nothing is announced twice.
  assert.deepEqual(await announce.run(args), first);
  assert.equal(args.effects.size, 1);
});

test('report counts the greeting, and fails when failReport is set', async () => {
  const report = jobStep(hello, 'report');
  const results = { announce: { text: 'Hello, acme (dev)!' } };
  const ok = await report.run(stepArgsForTest({ jobType: hello, results }));
  assert.deepEqual(ok, { characters: results.announce.text.length });
  const failing = stepArgsForTest({ jobType: hello, input: { failReport: true }, results });
  await assert.rejects(report.run(failing), /failReport/);
});

test('announce is compensated by withdrawing it', async () => {
  const compensate = jobStep(hello, 'announce').compensate;
  assert.ok(compensate, 'announce has a compensation');
  const args = stepArgsForTest({ jobType: hello, step: 'announce', compensation: true });
  assert.deepEqual(await compensate(args), { withdrawn: args.stepKey });
});
`;

function readme(name: string): string {
  return `# ${name}

Scheduled jobs on [Temporal](https://temporal.io), run by
[durable-cron](https://www.npmjs.com/package/durable-cron): every fire time runs exactly once.

- \`jobs/\`: job types, made with \`defineJob\` (\`jobs/hello.ts\` is an example with two steps and a
  compensation).
- \`jobs.yaml\`: which jobs run when, for which customer and environment, with which input.
- \`test/\`: unit tests of the steps (\`stepArgsForTest\`), no Temporal needed.
- \`durable-cron.config.json\`: tells the \`durable-cron\` commands where the job types and the jobs
  file are.

\`\`\`sh
npm install
npm test        # type check and unit tests
npm start       # local Temporal dev server + Web UI (http://localhost:8233), jobs.yaml applied,
                # a worker, each job fired once; Ctrl-C stops everything
\`\`\`

Against a Temporal server of your own (\`--address host:port\`, \`--namespace\`, or the
\`TEMPORAL_*\` environment variables), with \`DATABASE_URL\` pointing at PostgreSQL (without it the
worker uses an embedded database in \`.data/\`):

\`\`\`sh
npx durable-cron setup   # once: search attributes and database tables
npm run apply            # make Temporal's schedules match jobs.yaml
npm run worker           # run the jobs (one process per CPU core; --processes N)
npx durable-cron runs list --customer acme
\`\`\`

\`npx durable-cron --help\` lists every command.
`;
}
