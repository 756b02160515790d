/**
 * The schedule-spec model and its math: our cron dialect, calendar matching in a time zone,
 * nominal fire times and daylight-saving warnings, all agreeing with Temporal server v1.29.1.
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
  compileCalendar,
  isValidTimeZone,
  zoneOffsetMs,
  wallClock,
  resolveWallClock,
  daysInMonth,
  MAX_CALENDAR_YEAR,
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
