/**
 * croner ticks that know their nominal fire time. croner's callback only sees the time it woke
 * (`currentRun()` is the wake-up time), so a process resumed after a SIGSTOP would take a late
 * wake-up for a new fire. Each tick here reports the time croner had scheduled it for instead.
 */
import { Cron } from 'croner';

/** croner's pattern mode for the baseline: 6 fields, seconds first. */
export const CRON_MODE = '6-part';

/** The private croner hook wrapped here: called by croner's timer with the target it armed for. */
interface CronTimerHook {
  _checkTrigger(target: { getTime(): number }): void;
}

/**
 * Schedules `onTick(nominal)` on `pattern`. `nominal` is the instant croner armed its timer for,
 * in whole seconds, however late the tick runs. Ticks may overlap: each fire is independent.
 * @returns the croner job; `stop()` it to stop ticking
 * @throws Error when the installed croner no longer has the timer hook (the pinned version does)
 */
export function scheduleTicks(
  pattern: string,
  timezone: string,
  onTick: (nominal: Date) => Promise<void>,
  onError: (err: unknown) => void,
): Cron {
  const job = new Cron(pattern, { timezone, mode: CRON_MODE, paused: false });
  const hook = job as unknown as CronTimerHook;
  if (typeof hook._checkTrigger !== 'function') {
    throw new Error(
      "croner's timer hook '_checkTrigger' is missing: keep croner at the version package.json pins",
    );
  }
  // croner's timer calls _checkTrigger(target); when the target is due it invokes the callback
  // synchronously, before any other tick can change `armedFor`.
  let armedFor: Date | undefined;
  const checkTrigger = hook._checkTrigger.bind(job);
  hook._checkTrigger = (target) => {
    armedFor = new Date(Math.floor(target.getTime() / 1000) * 1000);
    checkTrigger(target);
  };
  job.schedule(() => {
    const nominal = armedFor;
    armedFor = undefined;
    if (!nominal) return;
    onTick(nominal).catch(onError);
  });
  return job;
}
