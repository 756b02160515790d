/**
 * Which prebuilt bundle of the CLI a command line runs from. Client-only commands (runs,
 * schedules, audit, validate, help) start from one file each, built by scripts/bundle-cli.ts,
 * instead of resolving and compiling hundreds of modules. Anything else runs the plain build.
 */

/** The command groups that have a bundle; the bundle file is `bundle/<name>.js`. */
export const BUNDLED_COMMANDS = ['runs', 'schedules', 'audit', 'validate', 'help'] as const;

/** One of {@link BUNDLED_COMMANDS}. */
export type BundledCommand = (typeof BUNDLED_COMMANDS)[number];

/**
 * Global options that take a value (as in src/cli/program.ts). An option missing here makes its
 * value look like the command name, which has no bundle: the plain build runs, so a stale list
 * costs start-up time, never correctness.
 */
const VALUE_OPTIONS = new Set([
  '--address',
  '--namespace',
  '--task-queue',
  '--profile',
  '--ui-url',
  '--codec-key-file',
  '--config',
  '--tls-ca',
  '--tls-cert',
  '--tls-key',
  '--tls-server-name',
  '--api-key-file',
]);

/** Global options without a value, including those commander adds. */
const FLAG_OPTIONS = new Set(['--tls', '--no-tls', '--verbose', '-h', '--help', '-V', '--version']);

/**
 * The bundle for `args` (the command line after `node <script>`), or undefined when the plain
 * build must run: a command without a bundle, or an option this scan does not know.
 * No command at all (`--help`, `--version`, nothing) runs the `help` bundle.
 */
export function bundleFor(args: readonly string[]): BundledCommand | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return undefined;
    if (arg.startsWith('-')) {
      const name = arg.split('=', 1)[0] ?? arg;
      if (VALUE_OPTIONS.has(name)) {
        if (!arg.includes('=')) i++;
      } else if (!FLAG_OPTIONS.has(arg)) {
        return undefined;
      }
      continue;
    }
    return (BUNDLED_COMMANDS as readonly string[]).includes(arg) ? (arg as BundledCommand) : undefined;
  }
  return 'help';
}
