/** The shop example's job types, loaded as a user's jobs module is (`--jobs examples/shop`). */
import { join } from 'node:path';
import { loadJobModules, type LoadedJobModules } from '../../src/job-types/modules';
import type { JobTypeRegistry } from '../../src/job-types/registry';

/** The compiled shop example module (dist/examples/shop). */
export const SHOP_MODULE = join(__dirname, '..', '..', 'examples', 'shop');

let shop: LoadedJobModules | undefined;

/** The built-in job types plus the shop example's, loaded once per test process. */
export function shopJobs(): LoadedJobModules {
  shop ??= loadJobModules([SHOP_MODULE]);
  return shop;
}

/** The registry of {@link shopJobs}. */
export function shopRegistry(): JobTypeRegistry {
  return shopJobs().registry;
}
