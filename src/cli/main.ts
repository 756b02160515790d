#!/usr/bin/env node
/** Entry point of the `durable-cron` command. */
import { CommanderError } from 'commander';
import { DurableCronError } from '../errors';
import { buildProgram } from './program';
import { stdio } from './output';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram(stdio);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed it
    const verbose = argv.includes('--verbose');
    if (err instanceof DurableCronError) {
      stdio.err(`error: ${err.message}`);
      if (verbose && err.stack) stdio.err(err.stack);
      return err.exitCode;
    }
    stdio.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (verbose && err instanceof Error && err.stack) stdio.err(err.stack);
    return 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
