/**
 * Step helpers every job-type workflow uses: call a step's activity with its policy (the job type's
 * default, overridden per job from the jobs file), and run steps as a saga whose compensations undo
 * the completed steps when a later one fails for good or the run is cancelled. Deterministic code.
 */
import {
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  upsertSearchAttributes,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { SagaReport, StepDefinition, StepOverride, StepPolicy } from '../src/types';
import { OUTCOME } from './search-attributes';

/** `outcome` search attribute value of a run whose compensations all ran. */
export const OUTCOME_COMPENSATED = 'compensated';
/** `outcome` value of a run where a compensation failed for good (its effect is still there). */
export const OUTCOME_COMPENSATION_FAILED = 'compensation-failed';

/**
 * Heartbeat timeout of a step whose policy and job set none. The worker heartbeats every running
 * step on its own (src/worker/heartbeat.ts), so a step on a process that died is retried after
 * this long instead of after its whole start-to-close timeout.
 */
export const DEFAULT_HEARTBEAT_TIMEOUT = '5s';

/** Activity options of a policy with a job's override applied on top. */
export function activityOptions(policy: StepPolicy, override?: StepOverride): ActivityOptions {
  const retry: RetryPolicy = {
    initialInterval: override?.retry?.initialInterval ?? policy.retry.initialInterval,
    backoffCoefficient: override?.retry?.backoffCoefficient ?? policy.retry.backoffCoefficient,
    maximumInterval: override?.retry?.maximumInterval ?? policy.retry.maximumInterval,
    maximumAttempts: override?.retry?.maximumAttempts ?? policy.retry.maximumAttempts,
    nonRetryableErrorTypes: [
      ...(override?.retry?.nonRetryableErrorTypes ?? policy.retry.nonRetryableErrorTypes ?? []),
    ],
  };
  const options: ActivityOptions = {
    startToCloseTimeout: override?.timeout ?? policy.startToCloseTimeout,
    retry: Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined)),
  };
  const scheduleToClose = override?.scheduleToCloseTimeout ?? policy.scheduleToCloseTimeout;
  if (scheduleToClose !== undefined) options.scheduleToCloseTimeout = scheduleToClose;
  // Only the ScheduleActivityTask command's options change here, which replay does not compare:
  // histories recorded without a heartbeat timeout still replay.
  options.heartbeatTimeout =
    override?.heartbeatTimeout ?? policy.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT;
  return options;
}

/** Activity functions by name: the type parameter that types a job type's steps. */
export type ActivityMap = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Calls steps with their policies and the job's overrides (`JobRunInput.steps`). `A` is the type of
 * the job type's activities (`ReturnType<typeof createActivities>`), which types each step's call.
 */
export class StepRunner<A extends ActivityMap = ActivityMap> {
  constructor(readonly overrides: Readonly<Record<string, StepOverride>> = {}) {}

  /** The activity function of a step, bound to the step's effective policy. */
  step<K extends keyof A & string>(def: StepDefinition & { readonly activity: K }): A[K] {
    return proxyActivities<A>(activityOptions(def.policy, this.overrides[def.name]))[def.activity] as A[K];
  }

  /** The compensation function of a step (overridable under the compensation's name). */
  compensation(def: StepDefinition): (...args: unknown[]) => Promise<unknown> {
    const name = def.compensation;
    if (!name)
      throw ApplicationFailure.nonRetryable(`step '${def.name}' has no compensation`, 'NoCompensation');
    const options = activityOptions(def.compensationPolicy ?? def.policy, this.overrides[name]);
    const activity = def.compensationActivity ?? name;
    const fn = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(options)[activity];
    if (!fn) throw ApplicationFailure.nonRetryable(`no activity '${activity}'`, 'NoCompensation');
    return fn;
  }
}

interface Undo {
  readonly step: string;
  readonly compensation: string;
  readonly run: () => Promise<unknown>;
}

/**
 * A saga: steps run in order; each completed step with a compensation registers its undo. Use
 * through {@link runSaga}, which compensates on failure or cancellation.
 */
export class Saga<A extends ActivityMap = ActivityMap> {
  private readonly done: string[] = [];
  private readonly undo: Undo[] = [];
  private failedStep: string | undefined;
  private compensated: string[] = [];
  private failures: SagaReport['compensationFailures'] = [];

  constructor(readonly runner: StepRunner<A>) {}

  /**
   * Runs a step; its compensation receives the same arguments and finds the step's effect by the
   * step's idempotency key.
   */
  async run<K extends keyof A & string>(
    def: StepDefinition & { readonly activity: K },
    ...args: Parameters<A[K]>
  ): Promise<Awaited<ReturnType<A[K]>>> {
    const fn = this.runner.step(def) as unknown as (...a: unknown[]) => Promise<Awaited<ReturnType<A[K]>>>;
    try {
      const result = await fn(...args);
      this.done.push(def.name);
      if (def.compensation) this.register(def, args);
      return result;
    } catch (err) {
      this.failedStep ??= def.name;
      // A timed-out step may have had its effect (the reply was lost): undo it too. Compensations
      // are idempotent, so undoing an effect that never happened does nothing.
      if (def.compensation && rootCause(err) instanceof TimeoutFailure) this.register(def, args);
      throw err;
    }
  }

  /**
   * Runs a step by its definition alone (the generic workflow's steps are known at run time). Its
   * compensation receives `undoArgs(result)`; `result` is undefined when the step timed out.
   */
  async runDynamic(
    def: StepDefinition,
    args: readonly unknown[],
    undoArgs: (result: unknown) => readonly unknown[],
  ): Promise<unknown> {
    const fn = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>(
      activityOptions(def.policy, this.runner.overrides[def.name]),
    )[def.activity];
    if (!fn) throw ApplicationFailure.nonRetryable(`no activity '${def.activity}'`, 'NoActivity');
    try {
      const result = await fn(...args);
      this.done.push(def.name);
      if (def.compensation) this.register(def, undoArgs(result));
      return result;
    } catch (err) {
      this.failedStep ??= def.name;
      if (def.compensation && rootCause(err) instanceof TimeoutFailure)
        this.register(def, undoArgs(undefined));
      throw err;
    }
  }

  /** What happened so far. */
  report(): SagaReport {
    return {
      done: [...this.done],
      compensated: [...this.compensated],
      ...(this.failedStep ? { failedStep: this.failedStep } : {}),
      compensationFailures: [...this.failures],
    };
  }

  /**
   * Runs the registered compensations in reverse order, in a non-cancellable scope (a cancelled run
   * must still undo its effects). A compensation that fails for good is recorded, not thrown, so
   * the others still run and the original failure stays the run's failure.
   */
  async compensate(): Promise<SagaReport> {
    const pending = this.undo.splice(0).reverse();
    if (pending.length === 0) return this.report();
    await CancellationScope.nonCancellable(async () => {
      for (const u of pending) {
        try {
          await u.run();
          this.compensated.push(u.step);
        } catch (err) {
          this.failures = [
            ...this.failures,
            { step: u.step, compensation: u.compensation, error: failureMessage(err) },
          ];
        }
      }
    });
    upsertSearchAttributes([
      {
        key: OUTCOME,
        value: this.failures.length > 0 ? OUTCOME_COMPENSATION_FAILED : OUTCOME_COMPENSATED,
      },
    ]);
    return this.report();
  }

  private register(def: StepDefinition, args: readonly unknown[]): void {
    const compensate = this.runner.compensation(def);
    this.undo.push({ step: def.name, compensation: def.compensation ?? '', run: () => compensate(...args) });
  }
}

/**
 * Runs `body` as a saga. On a failure, compensates and fails the run with an `ApplicationFailure`
 * of type `SagaFailed` whose cause is the original failure and whose details are the
 * {@link SagaReport}; on cancellation, compensates and lets the run end cancelled.
 */
export async function runSaga<T, A extends ActivityMap = ActivityMap>(
  runner: StepRunner<A>,
  body: (saga: Saga<A>) => Promise<T>,
): Promise<T> {
  const saga = new Saga<A>(runner);
  try {
    return await body(saga);
  } catch (err) {
    const report = await saga.compensate();
    if (isCancellation(err)) throw err;
    const failures = report.compensationFailures.map(
      (f) => `; compensation '${f.compensation}' of step '${f.step}' failed: ${f.error}`,
    );
    throw ApplicationFailure.create({
      type: 'SagaFailed',
      message:
        `step '${report.failedStep ?? '?'}' failed: ${failureMessage(err)}` +
        `; compensated: ${report.compensated.length > 0 ? report.compensated.join(', ') : 'none'}` +
        failures.join(''),
      nonRetryable: true,
      details: [report],
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/** The innermost cause of a Temporal failure chain (e.g. the ApplicationFailure inside an ActivityFailure). */
export function rootCause(err: unknown): unknown {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current;
}

/** A readable message for a failure: the root cause's type and message. */
export function failureMessage(err: unknown): string {
  const root = rootCause(err);
  if (root instanceof ApplicationFailure) return `${root.type ?? 'Error'}: ${root.message}`;
  if (root instanceof TimeoutFailure) return `timeout: ${root.message}`;
  return root instanceof Error ? root.message : String(root);
}
