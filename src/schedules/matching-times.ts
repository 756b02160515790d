/**
 * Fire times as the server computes them: `ListScheduleMatchingTimes` of an existing schedule,
 * paged by windows. The server's scheduler answers at most {@link MAX_MATCHING_TIMES_PER_CALL}
 * times per call (`maxListMatchingTimesCount` in Temporal's scheduler workflow); its window is
 * exclusive at the start and inclusive at the end, and it steps from each time it returns, so
 * the next page starts at the last time of a full one.
 *
 * The server returns times with the schedule's jitter applied. Runs carry their nominal fire
 * time (before jitter), so for a jittered schedule each server time is paired with the nominal
 * time the local calendar computes, and the two must agree: the server decides which fires exist
 * and the local code only names the nominal time of each ({@link nominalFireTimes}).
 */
import type { Client, ScheduleDescription } from '@temporalio/client';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time';
import { fireTimesBetween, type SpecModel } from '../calendar';
import { DurableCronError } from '../errors';
import { withRetry } from './rpc';
import { specModelOf } from './spec-model';

/** Times the server returns per `ListScheduleMatchingTimes` call at most. */
export const MAX_MATCHING_TIMES_PER_CALL = 1000;

/** The server's answer for one window of one schedule: times (jittered) in (after, through]. */
export type MatchingTimesCall = (after: Date, through: Date) => Promise<Date[]>;

/** The server's fire times of a jittered schedule do not pair with the nominal times of its spec. */
export class FireTimesDisagreeError extends DurableCronError {
  constructor(
    message: string,
    readonly scheduleId: string,
  ) {
    super(message);
  }
}

/** One `ListScheduleMatchingTimes` call on `client` for `scheduleId`, retried when transient. */
export function matchingTimesCall(client: Client, scheduleId: string): MatchingTimesCall {
  return (after, through) =>
    withRetry(async () => {
      const res = await client.workflowService.listScheduleMatchingTimes({
        namespace: client.options.namespace,
        scheduleId,
        startTime: msNumberToTs(after.getTime()),
        endTime: msNumberToTs(through.getTime()),
      });
      return (res.startTime ?? []).map((t) => tsToDate(t));
    });
}

/**
 * The server's times in (after, through], at most `limit` (the earliest), paging through
 * {@link MAX_MATCHING_TIMES_PER_CALL} per call.
 */
export async function serverTimes(
  call: MatchingTimesCall,
  after: Date,
  through: Date,
  limit: number,
): Promise<Date[]> {
  const out: Date[] = [];
  let cursor = after;
  while (out.length < limit && cursor < through) {
    const page = await call(cursor, through);
    out.push(...page);
    const last = page.at(-1);
    if (page.length < MAX_MATCHING_TIMES_PER_CALL || last === undefined) break;
    cursor = last;
  }
  return out.length > limit ? out.slice(0, limit) : out;
}

/** What {@link nominalFireTimes} needs to know about a schedule. */
export interface ServerSchedule {
  readonly scheduleId: string;
  readonly call: MatchingTimesCall;
  /** The spec's jitter in ms (0: the server's times are nominal). */
  readonly jitterMs: number;
  /** The spec, for naming the nominal time of a jittered fire. */
  readonly model: SpecModel;
}

/** The server's view of a described schedule, for {@link nominalFireTimes}. */
export function serverSchedule(client: Client, description: ScheduleDescription): ServerSchedule {
  return {
    scheduleId: description.scheduleId,
    call: matchingTimesCall(client, description.scheduleId),
    jitterMs: description.spec.jitter ?? 0,
    model: specModelOf(description.spec),
  };
}

/**
 * Nominal fire times in [from, to], both inclusive, at most `limit` of them (the earliest), as the
 * server decides them.
 * @throws {FireTimesDisagreeError} for a jittered schedule whose server times do not pair one to
 * one with the nominal times computed here (each server time within [nominal, nominal + jitter))
 */
export async function nominalFireTimes(
  schedule: ServerSchedule,
  from: Date,
  to: Date,
  limit: number,
): Promise<Date[]> {
  // The server's window excludes its start; its times are whole seconds, so 1 ms before `from`
  // includes a fire at `from`.
  const after = new Date(from.getTime() - 1);
  if (schedule.jitterMs <= 0) return serverTimes(schedule.call, after, to, limit);

  const nominal = fireTimesBetween(schedule.model, from, new Date(to.getTime() + 1), limit);
  const last = nominal.at(-1);
  // A jittered time is at or after its nominal time and before nominal + jitter (the server also
  // keeps it before the next nominal time), so this window holds the jittered time of every
  // nominal time listed, and when none is, no jittered time of a fire in [from, to].
  const through = new Date((last ?? to).getTime() + schedule.jitterMs);
  const server = await serverTimes(schedule.call, after, last ? through : to, nominal.length + 1);
  const disagree = (detail: string): FireTimesDisagreeError =>
    new FireTimesDisagreeError(
      `the server's fire times of '${schedule.scheduleId}' from ${from.toISOString()} do not match its spec: ${detail}`,
      schedule.scheduleId,
    );
  if (!last && server.length > 0) {
    throw disagree(
      `the server lists ${server[0]?.toISOString()}, the spec has no fire up to ${to.toISOString()}`,
    );
  }
  nominal.forEach((n, i) => {
    const j = server[i];
    if (j === undefined || j < n || j.getTime() >= n.getTime() + schedule.jitterMs) {
      throw disagree(`nominal ${n.toISOString()} has server time ${j?.toISOString() ?? 'none'}`);
    }
  });
  return nominal;
}
