/**
 * One run in detail, read from its event history: each step (activity) with attempts, duration and
 * last error, the compensations, and the result or failure.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { isEncryptedPayload, payloadCodecFor, payloadKeyId } from '../codec';
import { uiRunUrl, type ResolvedConfig } from '../config';
import { DurableCronError } from '../errors';
import { toRunRow, type RunRow } from './list';

/** One activity of a run. */
export interface StepDetail {
  readonly step: string;
  readonly activityId: string;
  /** completed, failed, timed-out, canceled, running or scheduled. */
  readonly state: string;
  /** Attempts made so far (1 when it succeeded first time). */
  readonly attempts: number;
  readonly scheduledTime: string | null;
  readonly closeTime: string | null;
  readonly durationMs: number | null;
  /** Message of the last failure of any attempt, also when a later attempt succeeded. */
  readonly lastError: string | null;
}

/** What `runs show` prints. */
export interface RunDetail extends RunRow {
  readonly steps: StepDetail[];
  /**
   * Steps scheduled after a step failed for good or after cancellation was requested: in a saga
   * these are the compensations, run in reverse order of the steps they undo.
   */
  readonly compensations: StepDetail[];
  /** The run's input (the first workflow argument), decrypted when the codec keys are configured. */
  readonly input: unknown;
  /** The run's result (completed runs). */
  readonly result: unknown;
  /** The failure message (failed, timed-out, terminated runs). */
  readonly failure: string | null;
}

/** No run with this workflow id. */
export class RunNotFoundError extends DurableCronError {
  constructor(
    readonly workflowId: string,
    readonly namespace: string,
  ) {
    super(`no run with workflow id '${workflowId}' in namespace '${namespace}'`);
  }
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Reads the latest run of `workflowId` (or `runId`) and its history. Encrypted input and result
 * are decrypted with `config.codec`; without keys (or with the wrong ones) they are shown as a
 * note saying so, never as an error.
 * @throws {RunNotFoundError} when there is no such run
 */
export async function showRun(
  client: Client,
  config: Pick<ResolvedConfig, 'uiUrl' | 'namespace' | 'codec'>,
  workflowId: string,
  runId?: string,
): Promise<RunDetail> {
  const handle = client.workflow.getHandle(workflowId, runId);
  let description: Awaited<ReturnType<typeof handle.describe>>;
  let history: temporal.api.history.v1.IHistory;
  try {
    description = await handle.describe();
    history = await client.workflow.getHandle(workflowId, description.runId).fetchHistory();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new RunNotFoundError(workflowId, config.namespace);
    throw err;
  }
  const pending = new Map(
    (description.raw.pendingActivities ?? []).map((p) => [
      p.activityId ?? '',
      { attempts: p.attempt ?? 1, lastError: p.lastFailure?.message ?? null },
    ]),
  );
  const events = history.events ?? [];
  await decryptRunPayloads(events, payloadCodecFor(config));
  const { steps, compensations, input, result, failure } = readHistory(events, pending);
  return {
    ...toRunRow(description, config),
    url: uiRunUrl(config, workflowId, description.runId),
    steps,
    compensations,
    input,
    result,
    failure,
  };
}

/**
 * Replaces the encrypted start input and result payloads of `events` by their plaintext, in
 * place. A payload the codec cannot decrypt is left as it is (shown as encrypted).
 */
async function decryptRunPayloads(events: HistoryEvent[], codec: PayloadCodec | undefined): Promise<void> {
  if (!codec) return;
  const lists = events.flatMap((e) => [
    e.workflowExecutionStartedEventAttributes?.input,
    e.workflowExecutionCompletedEventAttributes?.result,
  ]);
  for (const list of lists) {
    if (!list?.payloads) continue;
    const payloads = list.payloads;
    for (const [i, payload] of payloads.entries()) {
      try {
        payloads[i] = (await codec.decode([payload]))[0] ?? payload;
      } catch {
        // Left encrypted: readHistory names the key id it needs.
      }
    }
  }
}

interface StepState {
  step: string;
  activityId: string;
  state: string;
  attempts: number;
  scheduledMs: number | undefined;
  closeMs: number | undefined;
  lastError: string | null;
  compensation: boolean;
}

/** Folds a run's history into steps; exported for tests. */
export function readHistory(
  events: HistoryEvent[],
  pending: ReadonlyMap<string, { attempts: number; lastError: string | null }> = new Map(),
): Pick<RunDetail, 'steps' | 'compensations' | 'input' | 'result' | 'failure'> {
  const byScheduledId = new Map<string, StepState>();
  const ordered: StepState[] = [];
  let failedForGood = false;
  let input: unknown = null;
  let result: unknown = null;
  let failure: string | null = null;
  const close = (scheduledId: unknown, event: HistoryEvent, state: string, error?: string | null) => {
    const step = byScheduledId.get(String(scheduledId));
    if (!step) return;
    step.state = state;
    step.closeMs = optionalTsToMs(event.eventTime);
    if (error) step.lastError = error;
  };
  for (const event of events) {
    if (event.workflowExecutionStartedEventAttributes) {
      const payload = event.workflowExecutionStartedEventAttributes.input?.payloads?.[0];
      input = payload ? decodePayload(payload) : null;
    } else if (event.activityTaskScheduledEventAttributes) {
      const a = event.activityTaskScheduledEventAttributes;
      const activityId = a.activityId ?? '';
      const step: StepState = {
        step: a.activityType?.name ?? '?',
        activityId,
        state: 'scheduled',
        attempts: pending.get(activityId)?.attempts ?? 0,
        scheduledMs: optionalTsToMs(event.eventTime),
        closeMs: undefined,
        lastError: pending.get(activityId)?.lastError ?? null,
        compensation: failedForGood,
      };
      byScheduledId.set(String(event.eventId), step);
      ordered.push(step);
    } else if (event.activityTaskStartedEventAttributes) {
      const a = event.activityTaskStartedEventAttributes;
      const step = byScheduledId.get(String(a.scheduledEventId));
      if (step) {
        step.state = 'running';
        step.attempts = Math.max(step.attempts, a.attempt ?? 1);
        if (a.lastFailure?.message) step.lastError = a.lastFailure.message;
      }
    } else if (event.activityTaskCompletedEventAttributes) {
      close(event.activityTaskCompletedEventAttributes.scheduledEventId, event, 'completed');
    } else if (event.activityTaskFailedEventAttributes) {
      const a = event.activityTaskFailedEventAttributes;
      close(a.scheduledEventId, event, 'failed', a.failure?.message);
      failedForGood = true;
    } else if (event.activityTaskTimedOutEventAttributes) {
      const a = event.activityTaskTimedOutEventAttributes;
      close(a.scheduledEventId, event, 'timed-out', a.failure?.message ?? 'timed out');
      failedForGood = true;
    } else if (event.activityTaskCanceledEventAttributes) {
      close(event.activityTaskCanceledEventAttributes.scheduledEventId, event, 'canceled');
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      failedForGood = true;
    } else if (event.workflowExecutionCompletedEventAttributes) {
      const payload = event.workflowExecutionCompletedEventAttributes.result?.payloads?.[0];
      result = payload ? decodePayload(payload) : null;
    } else if (event.workflowExecutionFailedEventAttributes) {
      failure = failureMessage(event.workflowExecutionFailedEventAttributes.failure);
    } else if (event.workflowExecutionTimedOutEventAttributes) {
      failure = 'workflow timed out';
    } else if (event.workflowExecutionTerminatedEventAttributes) {
      failure = `terminated: ${event.workflowExecutionTerminatedEventAttributes.reason ?? ''}`.trim();
    }
  }
  const toDetail = (s: StepState): StepDetail => ({
    step: s.step,
    activityId: s.activityId,
    state: s.state,
    attempts: Math.max(s.attempts, s.state === 'scheduled' ? 0 : 1),
    scheduledTime: s.scheduledMs === undefined ? null : new Date(s.scheduledMs).toISOString(),
    closeTime: s.closeMs === undefined ? null : new Date(s.closeMs).toISOString(),
    durationMs: s.scheduledMs !== undefined && s.closeMs !== undefined ? s.closeMs - s.scheduledMs : null,
    lastError: s.lastError,
  });
  return {
    steps: ordered.filter((s) => !s.compensation).map(toDetail),
    compensations: ordered.filter((s) => s.compensation).map(toDetail),
    input,
    result,
    failure,
  };
}

function failureMessage(f: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (!f) return null;
  const cause = f.cause?.message ? `: ${f.cause.message}` : '';
  return `${f.message ?? 'failed'}${cause}`;
}

function decodePayload(payload: temporal.api.common.v1.IPayload): unknown {
  if (isEncryptedPayload(payload)) {
    const keyId = payloadKeyId(payload) ?? '?';
    return `(encrypted with codec key '${keyId}': configure that key with DURABLE_CRON_CODEC_KEYS or --codec-key-file to read it)`;
  }
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return '(not decodable as JSON)';
  }
}
