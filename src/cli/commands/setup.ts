/** `durable-cron setup`: register custom search attributes on the namespace. */
import type { ResolvedConfig } from '../../config';
import { connectClient } from '../../connection';
import { registerSearchAttributes } from '../../search-attributes';
import { printJson, type Output } from '../output';

/** Registers the search attributes and reports what was added. */
export async function runSetup(
  config: ResolvedConfig,
  flags: { json?: boolean },
  output: Output,
): Promise<void> {
  const { client, connection, close } = await connectClient(config);
  try {
    const result = await registerSearchAttributes(connection, client, config.namespace);
    if (flags.json) {
      printJson(output, { namespace: config.namespace, ...result });
      return;
    }
    if (result.added.length > 0)
      output.out(`Added search attributes to '${config.namespace}': ${result.added.join(', ')}`);
    if (result.alreadyPresent.length > 0) {
      output.out(`Already present in '${config.namespace}': ${result.alreadyPresent.join(', ')}`);
    }
  } finally {
    await close();
  }
}
