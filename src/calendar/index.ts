/**
 * The calendar math that must work before a schedule exists on a server: parsing our cron dialect
 * with located errors, and, for `validate`, fire times and daylight-saving warnings, agreeing
 * with Temporal server v1.29.1 (test/e2e/calendar-lint.test.ts holds them to the server's
 * ListScheduleMatchingTimes). Once a schedule exists, the server decides its fire times
 * (src/schedules/matching-times.ts); this code then only names the nominal time of a jittered fire.
 */
export {
  parseCron,
  describeCalendar,
  CronError,
  type CalendarFields,
  type CronField,
  type Range,
} from './cron.js';
export {
  nextCalendarTime,
  calendarMatches,
  isValidTimeZone,
  zoneOffsetMs,
  wallClock,
  resolveWallClock,
  TimeZoneError,
  type CompiledCalendar,
  type WallClock,
} from './calendar.js';
export {
  nextFireTime,
  fireTimesBetween,
  skipDates,
  WEEKENDS,
  SpecError,
  type SpecModel,
} from './fire-times.js';
export { dstWarnings, type DstWarning } from './dst.js';
