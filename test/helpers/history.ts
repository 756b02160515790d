/**
 * Reading a run's event history: which activities ran, how often, with which attempt; which markers
 * it recorded.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

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

/** One marker of a history: its name and, for a patch marker (`core_patch`), the patch id. */
export interface MarkerRecord {
  readonly name: string | null | undefined;
  readonly id: string | undefined;
}

/** The markers of a history's events, in order. */
export function markers(events: readonly temporal.api.history.v1.IHistoryEvent[]): MarkerRecord[] {
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (!marker) return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    const id = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { id?: string }).id : undefined;
    return [{ name: marker.markerName, id }];
  });
}
