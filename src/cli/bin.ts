#!/usr/bin/env node
/**
 * The `durable-cron` executable. Client-only commands run from their prebuilt bundle (one file
 * to read and compile instead of hundreds of modules); every other command, or a build without
 * bundles, runs the plain entry point. Both behave the same.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFor } from './dispatch';

const bundle = bundleFor(process.argv.slice(2));
const file = bundle === undefined ? undefined : join(__dirname, 'bundle', `${bundle}.js`);
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(file !== undefined && existsSync(file) ? file : './main.js');
