/**
 * The effect of the built-in `command` job type: runs one program (never through a shell) in its
 * own process group, with only the environment the job names, and kills the whole group when the
 * command times out, when the step is cancelled, and when the program exits (so nothing it started
 * outlives the step).
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { StepArgs } from '../src/job-types/define';
import { formatDuration } from '../src/duration';
import type { ActivityDeps } from './deps';

/** A command as the job's input resolves to it (see `src/job-types/command.ts`). */
export interface CommandSpec {
  /** The program and its arguments; `argv[0]` is looked up on the `PATH` the child gets. */
  readonly argv: readonly string[];
  /** Absolute working directory. @default the worker's */
  readonly cwd?: string;
  /** Names of the worker's environment variables the child gets (besides `PATH`). */
  readonly env: readonly string[];
  /** Literal variables for the child. */
  readonly vars: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  readonly killGraceMs: number;
  /** Bytes of the end of stdout and of stderr kept for the result. */
  readonly outputTailBytes: number;
}

/** What the command needs of the step's arguments. */
export type CommandStepArgs = Pick<
  StepArgs,
  'idempotencyKey' | 'signal' | 'job' | 'workflowId' | 'attempt' | 'heartbeat'
>;

/** The step's result (exit code 0), stored in the run's history. */
export interface CommandResult {
  readonly exitCode: number;
  readonly durationMs: number;
  /** The last `outputTailBytes` bytes of stdout, as UTF-8 text. */
  readonly stdout: string;
  readonly stderr: string;
  /** Sizes of the whole outputs. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
}

/** Details of a `CommandFailed` or `CommandTimedOut` failure. */
export interface CommandFailureDetails extends Omit<CommandResult, 'exitCode'> {
  readonly exitCode: number | null;
  /** The signal that ended the program, when one did. */
  readonly signal: string | null;
}

/** Variables every child gets; a job may not set them. */
export const COMMAND_RESERVED_PREFIX = 'DURABLE_CRON_';

/** Characters of stderr a failure's message quotes (the details carry the whole tail). */
const MESSAGE_STDERR_CHARS = 1000;
/** How long to wait for the output pipes to close once the program and its group are gone. */
const PIPE_CLOSE_WAIT_MS = 2000;
const HEARTBEAT_EVERY_MS = 5000;
/** Time kept between the kill and the step's own timeout, for the failure to reach Temporal. */
const STEP_TIMEOUT_MARGIN_MS = 2000;

/**
 * Runs the command once (one attempt of the step).
 * @throws {ApplicationFailure} `CommandNotAllowed`, `EnvNotSet`, `CommandCwdNotFound`,
 *   `CommandNotFound`, `CommandNotExecutable` (non-retryable); `CommandFailed`, `CommandTimedOut`,
 *   `CommandSpawnFailed` (retried per the step's retry policy); the cancellation when cancelled
 */
export async function runCommand(
  spec: CommandSpec,
  step: CommandStepArgs,
  deps: ActivityDeps,
): Promise<CommandResult> {
  if (deps.allowCommand !== true) {
    throw ApplicationFailure.nonRetryable(
      'this worker does not run commands: start the worker with --allow-command to let command jobs run',
      'CommandNotAllowed',
    );
  }
  const program = spec.argv[0] ?? '';
  const env = childEnv(spec, step, deps.env ?? process.env);
  if (spec.cwd !== undefined) await checkCwd(spec.cwd);
  if (step.signal.aborted) throw step.signal.reason ?? new Error('cancelled');

  const started = performance.now();
  const child = spawn(program, spec.argv.slice(1), {
    cwd: spec.cwd,
    env,
    // Its own process group, so one kill(-pid) reaches everything it starts.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new Tail(spec.outputTailBytes);
  const stderr = new Tail(spec.outputTailBytes);
  let lastBeat = 0;
  const beat = () => {
    const now = Date.now();
    if (now - lastBeat < HEARTBEAT_EVERY_MS) return;
    lastBeat = now;
    step.heartbeat({ pid: child.pid, stdoutBytes: stdout.bytes, stderrBytes: stderr.bytes });
  };
  const pipesClosed = Promise.all([
    new Promise<void>((resolve) => child.stdout.on('close', resolve)),
    new Promise<void>((resolve) => child.stderr.on('close', resolve)),
  ]);
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    beat();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    beat();
  });

  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  let stopping: 'timeout' | 'cancel' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'cancel') => {
    if (stopping) return;
    stopping = why;
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs);
  };
  const deadline = terminateAfter(spec);
  const timer = setTimeout(() => stop('timeout'), deadline.ms);
  const onAbort = () => stop('cancel');
  step.signal.addEventListener('abort', onAbort, { once: true });

  const outcome = await new Promise<
    { code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }
  >((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  clearTimeout(killTimer);
  step.signal.removeEventListener('abort', onAbort);
  // What the program left running in its group dies with it; then the pipes close.
  killGroup('SIGKILL');
  const waited = setTimeout(() => {
    child.stdout.destroy();
    child.stderr.destroy();
  }, PIPE_CLOSE_WAIT_MS);
  await pipesClosed;
  clearTimeout(waited);
  const durationMs = Math.round(performance.now() - started);

  if ('error' in outcome) throw spawnFailure(program, outcome.error);
  if (stopping === 'cancel') throw step.signal.reason ?? new Error('cancelled');
  const output = {
    durationMs,
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdoutBytes: stdout.bytes,
    stderrBytes: stderr.bytes,
  };
  if (stopping === 'timeout') {
    const details: CommandFailureDetails = { ...output, exitCode: outcome.code, signal: outcome.signal };
    throw ApplicationFailure.create({
      type: 'CommandTimedOut',
      message:
        `'${program}' did not finish within ${formatDuration(deadline.ms)}` +
        (deadline.byStep
          ? ` (the step's timeout ${formatDuration(deadline.stepMs)} minus killGrace and a margin: ` +
            `raise steps.run.timeout above the input's timeout ${formatDuration(spec.timeoutMs)})`
          : '') +
        ': sent SIGTERM' +
        (outcome.signal === 'SIGKILL' ? `, then SIGKILL after ${formatDuration(spec.killGraceMs)}` : '') +
        quoteStderr(output.stderr),
      details: [details],
    });
  }
  if (outcome.code === 0) return { exitCode: 0, ...output };
  const details: CommandFailureDetails = { ...output, exitCode: outcome.code, signal: outcome.signal };
  throw ApplicationFailure.create({
    type: 'CommandFailed',
    message:
      (outcome.code !== null
        ? `'${program}' exited with code ${outcome.code}`
        : `'${program}' was killed by ${outcome.signal ?? 'a signal'}`) + quoteStderr(output.stderr),
    details: [details],
  });
}

/**
 * When to send SIGTERM: after the input's timeout, or earlier when the step's own timeout
 * (`steps.run.timeout`) would end the attempt first. Temporal would then retry the step while this
 * program still runs; killing it before keeps one program per step at a time.
 */
function terminateAfter(spec: CommandSpec): { ms: number; byStep: boolean; stepMs: number } {
  let stepMs = 0;
  try {
    stepMs = Context.current().info.startToCloseTimeoutMs;
  } catch {
    // Not in an activity (a direct call): only the input's timeout applies.
  }
  const latest = Math.max(0, stepMs - spec.killGraceMs - STEP_TIMEOUT_MARGIN_MS);
  return stepMs > 0 && latest < spec.timeoutMs
    ? { ms: latest, byStep: true, stepMs }
    : { ms: spec.timeoutMs, byStep: false, stepMs };
}

/**
 * The child's environment: `PATH`, the allowed variables of the worker's, the literal ones, and
 * the run's identity (`DURABLE_CRON_*`).
 * @throws {ApplicationFailure} non-retryable `EnvNotSet` naming a variable the worker lacks
 */
export function childEnv(
  spec: Pick<CommandSpec, 'env' | 'vars'>,
  step: Pick<CommandStepArgs, 'idempotencyKey' | 'job' | 'workflowId' | 'attempt'>,
  workerEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (workerEnv.PATH !== undefined) env.PATH = workerEnv.PATH;
  for (const name of spec.env) {
    const value = workerEnv[name];
    if (value === undefined) {
      throw ApplicationFailure.nonRetryable(
        `env lists ${name}, which is not set in the worker's environment: set ${name} where the worker runs`,
        'EnvNotSet',
      );
    }
    env[name] = value;
  }
  Object.assign(env, spec.vars);
  env[`${COMMAND_RESERVED_PREFIX}IDEMPOTENCY_KEY`] = step.idempotencyKey;
  env[`${COMMAND_RESERVED_PREFIX}WORKFLOW_ID`] = step.workflowId;
  env[`${COMMAND_RESERVED_PREFIX}JOB_ID`] = step.job.jobId;
  env[`${COMMAND_RESERVED_PREFIX}FIRE_TIME`] = step.job.fireTime;
  env[`${COMMAND_RESERVED_PREFIX}CUSTOMER`] = step.job.customer;
  env[`${COMMAND_RESERVED_PREFIX}ENV`] = step.job.env;
  env[`${COMMAND_RESERVED_PREFIX}ATTEMPT`] = String(step.attempt);
  return env;
}

async function checkCwd(cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw ApplicationFailure.nonRetryable(
      `cwd '${cwd}' is not a directory on this worker`,
      'CommandCwdNotFound',
    );
  }
}

function spawnFailure(program: string, error: NodeJS.ErrnoException): ApplicationFailure {
  if (error.code === 'ENOENT') {
    return ApplicationFailure.nonRetryable(
      `program '${program}' was not found: give an absolute path, or a program on the worker's PATH`,
      'CommandNotFound',
    );
  }
  if (error.code === 'EACCES' || error.code === 'ENOEXEC') {
    return ApplicationFailure.nonRetryable(
      `program '${program}' cannot be executed (${error.code}): check that it is an executable file`,
      'CommandNotExecutable',
    );
  }
  return ApplicationFailure.retryable(
    `could not start '${program}': ${error.code ?? error.message}`,
    'CommandSpawnFailed',
  );
}

function quoteStderr(stderr: string): string {
  const text = stderr.trimEnd();
  if (text === '') return '';
  const end = text.length > MESSAGE_STDERR_CHARS ? `...${text.slice(-MESSAGE_STDERR_CHARS)}` : text;
  return `; stderr ends with:\n${end}`;
}

/** The last `limit` bytes of a stream, and how many it carried. */
class Tail {
  private chunks: Buffer[] = [];
  private kept = 0;
  bytes = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.limit === 0) return;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.kept -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}
