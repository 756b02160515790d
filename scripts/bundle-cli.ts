/**
 * Builds the start-up bundles of the CLI (run by `npm run build`, after tsc): for each command
 * group in src/cli/dispatch.ts, dist/src/cli/bundle/<group>.js holds the compiled entry point, the
 * program and that group's command with all the packages they load, so the command starts from
 * one file. Kept out of the bundles, and loaded from dist/ and node_modules/ as usual:
 * - the other commands' modules (never reached: bin.ts only sends a group to its own bundle);
 * - src/errors.ts, so a user's job module and the CLI share one DurableCronError class;
 * - packages a user's code shares state with (zod, the worker runtime, activities), and those
 *   with native code or files of their own.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { pruneProtoModule } from './bundle-cli-proto';
import { BUNDLED_COMMANDS, type BundledCommand } from '../src/cli/dispatch';

const DIST = join(__dirname, '..');
const CLI_DIR = join(DIST, 'src', 'cli');
const OUT_DIR = join(CLI_DIR, 'bundle');
const SRC = join(DIST, 'src');

/**
 * The modules the CLI imports only when needed (every command module, the jobs-module loader, the
 * server error explainer), as paths under dist/src without `.js`, and those each bundle includes.
 */
const LAZY = (path: string) =>
  path.startsWith('cli/commands/') || path === 'cli/jobs' || path === 'server-errors';
const LAZY_INCLUDED: Record<BundledCommand, readonly string[]> = {
  runs: ['cli/commands/runs', 'server-errors'],
  schedules: ['cli/commands/schedules', 'server-errors'],
  audit: ['cli/commands/audit', 'server-errors'],
  // Errors that need explaining are rare here, and the explainer loads the Temporal client.
  validate: ['cli/commands/validate', 'cli/jobs'],
  help: [],
};

const EXTERNAL_PACKAGES = [
  'zod',
  '@temporalio/worker',
  '@temporalio/workflow',
  '@temporalio/activity',
  '@temporalio/testing',
  '@swc/core',
  'pg',
  '@electric-sql/pglite',
  'webpack',
];

/** Leaves src/errors.ts and the lazy modules a bundle does not include outside it, imported from dist/. */
function projectExternals(included: readonly string[]): Plugin {
  return {
    name: 'project-externals',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = resolve(args.resolveDir, args.path).replace(/(\.js)?$/, '.js');
        const path = relative(SRC, target).slice(0, -3);
        if (path !== 'errors' && (!LAZY(path) || included.includes(path))) return undefined;
        return { path: `./${relative(OUT_DIR, target)}`, external: true };
      });
    },
  };
}

/** Bundles the protobuf definitions client commands use (see bundle-cli-proto.ts). */
const prunedProto: Plugin = {
  name: 'pruned-proto',
  setup(b) {
    b.onLoad({ filter: /@temporalio[\\/]proto[\\/]protos[\\/]json-module\.js$/ }, (args) => ({
      contents: pruneProtoModule(readFileSync(args.path, 'utf8')),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/** Fails when a bundled module of ours locates files relative to itself (it would look in bundle/). */
function checkNoSelfRelativePaths(inputs: readonly string[]): void {
  for (const input of inputs) {
    if (input.includes('node_modules/') || !input.startsWith('dist/')) continue;
    const code = readFileSync(join(DIST, '..', input), 'utf8');
    if (/__dirname|__filename|require\.resolve\(['"]\./.test(code)) {
      throw new Error(`${input} locates files relative to itself and cannot be bundled`);
    }
  }
}

async function bundle(group: BundledCommand): Promise<void> {
  const result = await build({
    entryPoints: [join(CLI_DIR, 'main.js')],
    outfile: join(OUT_DIR, `${group}.js`),
    absWorkingDir: join(DIST, '..'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error classes name themselves after their class (`new.target.name`).
    keepNames: true,
    legalComments: 'none',
    external: EXTERNAL_PACKAGES,
    plugins: [projectExternals(LAZY_INCLUDED[group]), prunedProto],
    metafile: true,
    logLevel: 'warning',
  });
  checkNoSelfRelativePaths(Object.keys(result.metafile.inputs));
}

async function main(): Promise<void> {
  await Promise.all(BUNDLED_COMMANDS.map((group) => bundle(group)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
