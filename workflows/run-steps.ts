/**
 * The generic workflow of steps job types (`defineJob` with `steps`): runs the job type's steps in
 * order as a saga, each with its policy and the job's overrides, passing each step the results of
 * the earlier ones. Registered as the bundle's default workflow, so the workflow type of a run is
 * its job type's name.
 *
 * Determinism: the plan (the job type's steps and policies) a run starts with is recorded in its
 * history, so a run that started before a deploy that changed its job type's steps replays, and
 * goes on, with the steps it started with. The worker's bundle carries the plans of its job types
 * (see {@link registerPlans}); a new run records its plan as a patch marker whose id holds the plan,
 * which costs no round trip (the marker goes out with the run's first workflow task) and no search
 * attribute upsert (see {@link planMarker}). Runs recorded before markers took the plan from a
 * local activity; their replays read the activity's marker.
 */
import { patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
// The SDK keeps the patch ids it found in the history being replayed on its activator; a replay
// reads the recorded plan from there (no public API lists them). Pinned with the SDK's version;
// test/e2e/replay.test.ts replays recorded plans against changed ones.
import { maybeGetActivator } from '@temporalio/workflow/lib/global-attributes';
import type { StepsPlan } from '../activities/steps';
import type { JobRunInput, SagaReport } from '../src/types';
import { stepContext } from './run-context';
import { StepRunner, runSaga } from './steps';

/** Mirrors `PLAN_ACTIVITY` in activities/steps.ts (workflow code may not import its value). */
const PLAN_ACTIVITY = 'durable-cron.plan';

/** Prefix of the patch marker id that records a run's plan; the plan's JSON follows it. */
export const PLAN_MARKER_PREFIX = 'durable-cron.plan:';

/** Result of a completed run of a steps job type. */
export interface StepsResult {
  readonly fireTime: string;
  /** Each step's result, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
  readonly saga: SagaReport;
}

const { [PLAN_ACTIVITY]: planActivity } = proxyLocalActivities<
  Record<string, (jobType: string) => Promise<StepsPlan | null>>
>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

/**
 * With each patch marker the core upserts the `TemporalChangeVersion` search attribute with the
 * run's patch ids, unless their JSON reaches this many bytes (the server's limit for one search
 * attribute value): then it skips the upsert and logs a warning (src/worker/runtime.ts keeps the
 * core's patch-machine warnings out of the logs).
 */
const VERSION_ATTRIBUTE_LIMIT = 2048;

/** The plan markers of the worker's steps job types, by job type; set once as the bundle loads. */
let bundledPlans: Readonly<Record<string, string>> = {};

/**
 * Called by the bundle's generated entry (src/worker/bundle.ts) as it loads, before any run: the
 * plans of the worker's steps job types.
 */
export function registerPlans(plans: readonly StepsPlan[]): void {
  bundledPlans = Object.freeze(Object.fromEntries(plans.map((plan) => [plan.jobType, planMarker(plan)])));
}

/**
 * The patch marker id recording `plan`, padded with spaces (which the plan's JSON ignores) to the
 * core's limit, so that the core skips the `TemporalChangeVersion` upsert it would otherwise send
 * with every run (a visibility write on the server per run).
 */
export function planMarker(plan: StepsPlan): string {
  const marker = `${PLAN_MARKER_PREFIX}${JSON.stringify(plan)}`;
  const short = VERSION_ATTRIBUTE_LIMIT - attributeBytes(marker);
  return short > 0 ? `${marker}${' '.repeat(short)}` : marker;
}

/** UTF-8 bytes of `["<marker>"]`, the value the core would upsert into `TemporalChangeVersion`. */
function attributeBytes(marker: string): number {
  let bytes = 0;
  for (const ch of JSON.stringify([marker])) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Runs the steps of the job type named by the run's workflow type. */
export async function runSteps(input: JobRunInput): Promise<StepsResult> {
  const jobType = workflowInfo().workflowType;
  const steps = recordedPlan(jobType) ?? (await planActivity!(jobType));
  if (steps === null) {
    // A plain Error fails the workflow task, not the run: Temporal retries the task, and a worker
    // that knows the job type (say, once a rolling deploy reaches it) runs it.
    throw new Error(`job type '${jobType}' is not registered on this worker (start it with --jobs)`);
  }
  const ctx = stepContext(input);
  return runSaga(new StepRunner(input.steps), async (saga) => {
    const results: Record<string, unknown> = {};
    for (const def of steps.steps) {
      const before = { ...results };
      results[def.name] = await saga.runDynamic(def, [ctx, input.input, before], (result) => [
        ctx,
        input.input,
        { ...before, [def.name]: result },
      ]);
    }
    return { fireTime: ctx.fireTime, results, saga: saga.report() };
  });
}

/**
 * The run's plan: on replay, the one its history records (whatever this worker's bundle holds now);
 * on a new run, the bundle's, recorded as a marker. `undefined` when the history recorded the plan
 * with the local activity instead (then the activity's marker answers); `null` for a new run of a
 * job type this worker does not have.
 */
function recordedPlan(jobType: string): StepsPlan | null | undefined {
  if (workflowInfo().unsafe.isReplaying) {
    const marker = replayedMarker();
    return marker === undefined ? undefined : planOf(marker);
  }
  const marker = bundledPlans[jobType];
  return marker === undefined ? null : planOf(marker);
}

/** Records (or, on replay, matches) the plan marker, and the plan it holds. */
function planOf(marker: string): StepsPlan {
  patched(marker);
  return JSON.parse(marker.slice(PLAN_MARKER_PREFIX.length)) as StepsPlan;
}

/** The plan marker of the history being replayed, if it has one. */
function replayedMarker(): string | undefined {
  const activator = maybeGetActivator() as unknown as { knownPresentPatches?: unknown } | undefined;
  const present = activator?.knownPresentPatches;
  if (!(present instanceof Set)) {
    throw new Error('this @temporalio/workflow keeps no knownPresentPatches: the plan marker cannot be read');
  }
  for (const id of present as Set<unknown>) {
    if (typeof id === 'string' && id.startsWith(PLAN_MARKER_PREFIX)) return id;
  }
  return undefined;
}
