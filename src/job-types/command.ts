/**
 * The built-in `command` job type: one step, `run`, that runs one program (no shell) and succeeds
 * when it exits with code 0. Workers run commands only when started with `--allow-command`. Its
 * effect is in `activities/command.ts`.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { COMMAND_RESERVED_PREFIX, runCommand, type CommandSpec } from '../../activities/command';
import { parseDuration } from '../duration';
import { byteCount, duration, strictObject } from '../jobs/zod-helpers';
import { defineJob } from './define';
import { checkStepInput } from './step-input';

/** Largest `outputTailBytes`: the tails are stored in the run's history. */
export const MAX_OUTPUT_TAIL_BYTES = 64 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME_RULE = 'letters, digits and underscores, not starting with a digit';

function checkEnvName(name: string, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (!ENV_NAME.test(name)) {
    ctx.addIssue({ code: 'custom', path, message: `'${name}' is not a variable name (${ENV_NAME_RULE})` });
  } else if (name.startsWith(COMMAND_RESERVED_PREFIX)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `${COMMAND_RESERVED_PREFIX}* variables are set by durable-cron and cannot be given`,
    });
  }
}

const argv = z
  .array(z.string({ error: 'must be a string (quote numbers)' }), {
    error: 'must be a list of strings: the program, then its arguments (no shell)',
  })
  .min(1, 'must list at least the program')
  .superRefine((list, ctx) => {
    if (list[0] === '') ctx.addIssue({ code: 'custom', path: [0], message: 'the program must not be empty' });
    list.forEach((arg, i) => {
      if (arg.includes('\0')) ctx.addIssue({ code: 'custom', path: [i], message: 'must not contain NUL' });
    });
  });

const envNames = z
  .array(z.string({ error: 'must be a variable name' }), {
    error: "must be a list of names of the worker's environment variables",
  })
  .superRefine((names, ctx) => names.forEach((name, i) => checkEnvName(name, ctx, [i])));

const vars = z
  .record(z.string(), z.string({ error: 'must be a string (quote numbers)' }), {
    error: 'must be a mapping of variable names to values',
  })
  .superRefine((map, ctx) => {
    for (const [name, value] of Object.entries(map)) {
      checkEnvName(name, ctx, [name]);
      if (value.includes('\0'))
        ctx.addIssue({ code: 'custom', path: [name], message: 'must not contain NUL' });
    }
  });

/** The `command` job's `input`. */
export const commandInput = strictObject({
  argv,
  cwd: z
    .string({ error: 'must be an absolute path' })
    .refine((p) => isAbsolute(p), { error: 'must be an absolute path' })
    .optional(),
  /** Names of the worker's environment variables passed to the child (`PATH` always is). */
  env: envNames.default([]),
  /** Literal variables for the child: visible in the jobs file and the run's history, so no secrets. */
  vars: vars.default({}),
  timeout: duration({ ms: 1, label: '1ms' }).default('10m'),
  killGrace: duration().default('10s'),
  outputTailBytes: byteCount(MAX_OUTPUT_TAIL_BYTES, '64 KiB', 4096),
}).superRefine((input, ctx) => {
  for (const name of input.env) {
    if (name in input.vars) {
      ctx.addIssue({
        code: 'custom',
        path: ['vars', name],
        message: `${name} is also in env: give it in one of env and vars`,
      });
    }
  }
});
export type CommandInput = z.output<typeof commandInput>;

/** The command a `command` job's (validated) input describes. */
export function toCommandSpec(input: CommandInput): CommandSpec {
  return {
    argv: input.argv,
    ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
    env: input.env,
    vars: input.vars,
    timeoutMs: parseDuration(input.timeout) ?? 600_000,
    killGraceMs: parseDuration(input.killGrace) ?? 10_000,
    outputTailBytes: input.outputTailBytes,
  };
}

/** The built-in `command` job type. */
export const commandJobType = defineJob({
  name: 'command',
  description: 'Runs one program (no shell) on a worker started with --allow-command; exit code 0 is success',
  input: commandInput,
  steps: [
    {
      name: 'run',
      // A bound for a stuck worker; the input's `timeout` is what kills the program. Raise this
      // (steps.run.timeout) for commands allowed to run longer than about an hour.
      timeout: '1h',
      // A worker that dies mid-command is noticed within this (heartbeats are automatic).
      heartbeatTimeout: '30s',
      retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 3 },
      run: (args) =>
        runCommand(toCommandSpec(checkStepInput(commandInput, args.input, 'command')), args, args.deps),
    },
  ],
});
