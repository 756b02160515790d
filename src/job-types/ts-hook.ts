/**
 * Lets `--jobs` load TypeScript job modules without a build step: `.ts` files outside
 * `node_modules` are compiled to CommonJS on `require` with SWC, the compiler the Temporal worker
 * already ships for bundling workflows. Types are stripped, not checked (`tsc --noEmit` does that).
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';

type Loader = (module: Module & { _compile(code: string, file: string): void }, file: string) => void;

let installed = false;

/** Installs the `.ts` loader once; does nothing when another loader (ts-node, tsx) already has `.ts`. */
export function registerTypeScript(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  if (installed || extensions['.ts']) return;
  installed = true;
  const swc = loadSwc();
  const jsLoader = extensions['.js'];
  extensions['.ts'] = (module, file) => {
    if (file.includes('/node_modules/') && jsLoader) return jsLoader(module, file);
    const { code } = swc.transformSync(readFileSync(file, 'utf8'), {
      filename: file,
      sourceMaps: 'inline',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, file);
  };
}

interface Swc {
  transformSync(
    source: string,
    options: Record<string, unknown>,
  ): {
    code: string;
  };
}

function loadSwc(): Swc {
  // @swc/core comes with @temporalio/worker; resolve it from there so a hoisting change cannot hide it.
  const from = require.resolve('@temporalio/worker');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('@swc/core', { paths: [from] })) as Swc;
}
