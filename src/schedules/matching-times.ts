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
import { formatFireTime } from '../rfc3339';
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

/** One `ListScheduleMatchingTimes` call on `client` for `scheduleId`. */
export function matchingTimesCall(client: Client, scheduleId: string): MatchingTimesCall {
  return async (after, through) => {
    const res = await client.workflowService.listScheduleMatchingTimes({
      namespace: client.options.namespace,
      scheduleId,
      startTime: msNumberToTs(after.getTime()),
      endTime: msNumberToTs(through.getTime()),
    });
    return (res.startTime ?? []).map((t) => tsToDate(t));
  };
}

/**
 * Pages through one schedule's server times, {@link MAX_MATCHING_TIMES_PER_CALL} per call, and
 * remembers the run of times it fetched last: a walk that moves forward through a window (the
 * audit's chunks, each asking for one time more than it keeps) asks the server for each page once.
 */
export class MatchingTimesPager {
  /** Every server time in (knownAfter, knownThrough], in order. */
  private known: Date[] = [];
  private knownAfter = Infinity;
  private knownThrough = -Infinity;

  constructor(private readonly call: MatchingTimesCall) {}

  /** The server's times in (after, through], at most `limit` (the earliest). */
  async times(after: Date, through: Date, limit: number): Promise<Date[]> {
    const [a, t] = [after.getTime(), through.getTime()];
    let out: Date[] = [];
    let cursor = a;
    if (this.knownAfter <= a && a <= this.knownThrough) {
      out = this.known.filter((d) => d.getTime() > a && d.getTime() <= t);
      cursor = Math.min(this.knownThrough, t);
    }
    while (out.length < limit && cursor < t) {
      const page = await this.call(new Date(cursor), through);
      out.push(...page);
      const last = page.at(-1);
      // A short page is the end of the window; a full one may have more after its last time.
      cursor = page.length < MAX_MATCHING_TIMES_PER_CALL || last === undefined ? t : last.getTime();
    }
    // Every server time in (a, cursor] is now in `out`.
    this.known = out;
    this.knownAfter = a;
    this.knownThrough = cursor;
    return out.length > limit ? out.slice(0, limit) : out;
  }
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

// One pager per schedule object, so consecutive calls for one schedule reuse what it fetched.
const pagers = new WeakMap<ServerSchedule, MatchingTimesPager>();

function pagerOf(schedule: ServerSchedule): MatchingTimesPager {
  let pager = pagers.get(schedule);
  if (!pager) pagers.set(schedule, (pager = new MatchingTimesPager(schedule.call)));
  return pager;
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
  const pager = pagerOf(schedule);
  if (schedule.jitterMs <= 0) return pager.times(after, to, limit);

  const nominal = fireTimesBetween(schedule.model, from, new Date(to.getTime() + 1), limit);
  const last = nominal.at(-1);
  // A jittered time is at or after its nominal time and before nominal + jitter (the server also
  // keeps it before the next nominal time), so this window holds the jittered time of every
  // nominal time listed, and when none is, no jittered time of a fire in [from, to].
  const through = new Date((last ?? to).getTime() + schedule.jitterMs);
  const server = await pager.times(after, last ? through : to, nominal.length + 1);
  const disagree = (detail: string): FireTimesDisagreeError =>
    new FireTimesDisagreeError(
      `the server's fire times of '${schedule.scheduleId}' from ${formatFireTime(from)} do not match its spec: ${detail}`,
      schedule.scheduleId,
    );
  if (!last && server.length > 0) {
    throw disagree(
      `the server lists ${server[0] ? formatFireTime(server[0]) : 'none'}, the spec has no fire up to ${formatFireTime(to)}`,
    );
  }
  nominal.forEach((n, i) => {
    const j = server[i];
    if (j === undefined || j < n || j.getTime() >= n.getTime() + schedule.jitterMs) {
      throw disagree(`nominal ${formatFireTime(n)} has server time ${j ? formatFireTime(j) : 'none'}`);
    }
  });
  return nominal;
}
