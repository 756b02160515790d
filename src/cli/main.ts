#!/usr/bin/env node
/** Entry point of the `durable-cron` command. */
import { CommanderError } from 'commander';
import { DurableCronError } from '../errors';
import { buildProgram } from './program';
import { stdio } from './output';

// grpc-js passes an IP address as the TLS server name when connecting to `127.0.0.1:7233` with
// TLS; Node then prints deprecation DEP0123 on stderr. The certificate is still checked against
// the IP; the warning only breaks the CLI's one-line output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
  if (rest.includes('DEP0123') || (rest[0] as { code?: string } | undefined)?.code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
};

async function main(argv: string[]): Promise<number> {
  const program = buildProgram(stdio);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed it
    const verbose = argv.includes('--verbose');
    // Loaded only on this path: it brings in the SDK's search attribute keys.
    const explained =
      err instanceof DurableCronError ? err : (await import('../server-errors.js')).explainServerError(err);
    stdio.err(`error: ${explained.message}`);
    const stack = err instanceof Error ? err.stack : undefined;
    if (verbose && stack) stdio.err(stack);
    return explained.exitCode;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
