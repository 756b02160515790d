/**
 * A stand-in for the server's `ListScheduleMatchingTimes`, computed with the local calendar: times
 * in (after, through], at most 1,000 per call as the server answers, optionally jittered.
 */
import { fireTimesBetween, type SpecModel } from '../../src/calendar';
import { MAX_MATCHING_TIMES_PER_CALL, type MatchingTimesCall } from '../../src/schedules/matching-times';

/** Options of {@link fakeMatchingTimes}. */
export interface FakeMatchingTimesOptions {
  /** Added to each nominal time (the server's jitter), given the nominal time. */
  readonly jitter?: (nominal: Date) => number;
  /** Counts calls. */
  readonly calls?: { n: number };
}

/** A {@link MatchingTimesCall} answering for `model` as the server would. */
export function fakeMatchingTimes(
  model: SpecModel,
  options: FakeMatchingTimesOptions = {},
): MatchingTimesCall {
  const jitter = options.jitter;
  return (after, through) => {
    if (options.calls) options.calls.n += 1;
    if (!jitter) {
      const times = fireTimesBetween(
        model,
        new Date(after.getTime() + 1),
        new Date(through.getTime() + 1),
        MAX_MATCHING_TIMES_PER_CALL,
      );
      return Promise.resolve(times);
    }
    // The server steps from each jittered time it returns; a jittered time stays before the next
    // nominal one, so stepping from it finds the same next nominal time.
    const out: Date[] = [];
    let cursor = after;
    while (out.length < MAX_MATCHING_TIMES_PER_CALL) {
      const [nominal] = fireTimesBetween(model, new Date(cursor.getTime() + 1), new Date(8.64e15), 1);
      if (!nominal) break;
      const t = new Date(nominal.getTime() + jitter(nominal));
      if (t > through) break;
      out.push(t);
      cursor = t;
    }
    return Promise.resolve(out);
  };
}
