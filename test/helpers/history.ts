/** Reading a run's event history: which activities ran, how often, with which attempt. */
import type { WorkflowHandle } from '@temporalio/client';

/** One activity as its history tells it. */
export interface ActivityRecord {
  readonly type: string;
  /** Attempt of the last start the history records (retries happen on the server, unrecorded). */
  readonly attempt: number | undefined;
  readonly outcome: 'completed' | 'failed' | 'timed-out' | 'canceled' | 'pending';
}

/** The activities of a run, in the order they were scheduled. */
export async function activities(handle: WorkflowHandle, runId?: string): Promise<ActivityRecord[]> {
  const history = await (runId ? handle.client.getHandle(handle.workflowId, runId) : handle).fetchHistory();
  const byScheduled = new Map<
    string,
    { type: string; attempt?: number; outcome: ActivityRecord['outcome'] }
  >();
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) {
      byScheduled.set(id, {
        type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '',
        outcome: 'pending',
      });
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const rec = byScheduled.get(String(started.scheduledEventId));
      if (rec) rec.attempt = started.attempt ?? undefined;
    }
    const closes = [
      [e.activityTaskCompletedEventAttributes, 'completed'],
      [e.activityTaskFailedEventAttributes, 'failed'],
      [e.activityTaskTimedOutEventAttributes, 'timed-out'],
      [e.activityTaskCanceledEventAttributes, 'canceled'],
    ] as const;
    for (const [attrs, outcome] of closes) {
      const rec = attrs ? byScheduled.get(String(attrs.scheduledEventId)) : undefined;
      if (rec) rec.outcome = outcome;
    }
  }
  return [...byScheduled.values()].map((r) => ({ type: r.type, attempt: r.attempt, outcome: r.outcome }));
}
