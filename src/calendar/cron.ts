/**
 * The calendar model of a schedule and our cron dialect.
 *
 * A calendar is the structured form Temporal stores (`StructuredCalendarSpec`): one list of
 * inclusive ranges per field, a time matching when every field matches. Our cron dialect is
 * parsed into that form here; we always send the structured form, never a cron string.
 */

/** An inclusive range of field values, `start, start+step, …` up to `end`. */
export interface Range {
  start: number;
  /** Inclusive; `end >= start`. */
  end: number;
  /** At least 1. */
  step: number;
}

/**
 * One calendar: a time matches when every field matches (day-of-month AND day-of-week, as in
 * Temporal, unlike Vixie cron). Months are 1-12, day-of-week 0 (Sunday) to 6.
 */
export interface CalendarFields {
  second: Range[];
  minute: Range[];
  hour: Range[];
  dayOfMonth: Range[];
  month: Range[];
  dayOfWeek: Range[];
  /** Empty means any year. */
  year: Range[];
  comment?: string;
}

/** The part of a cron expression an error is about; `fields` is the expression as a whole. */
export type CronField = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek' | 'fields';

/** A cron expression that cannot be parsed; the message is one line and names what is valid. */
export class CronError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly field: CronField,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CronError';
  }
}

type ParsedField = Exclude<CronField, 'fields'>;

interface FieldSpec {
  key: ParsedField;
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Names start at this value (1 for months). */
  nameBase: number;
  minNameLength: number;
  valid: string;
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const FIELDS: Record<ParsedField, FieldSpec> = {
  second: { key: 'second', label: 'second', min: 0, max: 59, nameBase: 0, minNameLength: 0, valid: '0-59' },
  minute: { key: 'minute', label: 'minute', min: 0, max: 59, nameBase: 0, minNameLength: 0, valid: '0-59' },
  hour: { key: 'hour', label: 'hour', min: 0, max: 23, nameBase: 0, minNameLength: 0, valid: '0-23' },
  dayOfMonth: {
    key: 'dayOfMonth',
    label: 'day-of-month',
    min: 1,
    max: 31,
    nameBase: 0,
    minNameLength: 0,
    valid: '1-31',
  },
  month: {
    key: 'month',
    label: 'month',
    min: 1,
    max: 12,
    names: MONTH_NAMES,
    nameBase: 1,
    minNameLength: 3,
    valid: '1-12 or jan-dec',
  },
  // 7 is accepted as Sunday, as Temporal does; it never appears in parsed output.
  dayOfWeek: {
    key: 'dayOfWeek',
    label: 'day-of-week',
    min: 0,
    max: 7,
    names: WEEKDAY_NAMES,
    nameBase: 0,
    minNameLength: 2,
    valid: '0-7 or sun-sat',
  },
};

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIVE_FIELDS: readonly ParsedField[] = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'];
const FIVE_FIELDS_TEXT = 'minute hour day-of-month month day-of-week';
const SIX_FIELDS_TEXT = `second ${FIVE_FIELDS_TEXT}`;
const TEMPORAL_SIX_TEXT = `${FIVE_FIELDS_TEXT} year`;
const VALID_FORMS = `5 fields (${FIVE_FIELDS_TEXT}), 6 fields (${SIX_FIELDS_TEXT}) or a macro (@hourly, @daily, @weekly, @monthly, @yearly)`;

/**
 * Parses a cron expression in our dialect: `minute hour day-of-month month day-of-week`, or
 * six fields with a leading `second`, or one of `@yearly @annually @monthly @weekly @daily
 * @midnight @hourly`. Six fields are read seconds first, as node-cron, croner, BullMQ and Quartz
 * read them (the libraries jobs move here from), not as Temporal's CLI reads them (a trailing
 * year): a sixth field that looks like a year is refused, and so are Temporal's seven fields
 * (`second … year`), rather than silently read one way or the other. Years are bounded with the
 * schedule's `startAt`/`endAt` instead.
 * Fields accept `*`, `a`, `a-b`, `*\/n`, `a/n` (a to the field's maximum), `a-b/n` and comma
 * lists of those; months and weekdays also accept English name prefixes (at least 3 and 2
 * letters). Five-field expressions fire at second 0.
 * @throws {CronError} for anything else, including `@every`, `TZ=` prefixes, `L`, `W`, `#`, `?`.
 */
export function parseCron(expr: string): CalendarFields {
  const text = expr.trim();
  const fail = (message: string, field: CronField = 'fields'): never => {
    throw new CronError(message, expr, field);
  };
  const tz = /^(CRON_TZ|TZ)=\S*/i.exec(text);
  if (tz) {
    fail(`time zone prefix "${tz[0]}" is not supported in cron expressions; use the timezone: field instead`);
  }
  let tokens = text.split(/\s+/).filter((t) => t !== '');
  const first = tokens[0];
  if (first?.startsWith('@')) {
    const name = first.toLowerCase();
    if (name === '@every') {
      fail('"@every" is not supported in cron expressions; use the every: field instead');
    }
    const expansion = MACROS[name];
    if (expansion === undefined) {
      fail(`unknown macro "${first}" (valid: ${Object.keys(MACROS).join(', ')})`);
    } else if (tokens.length > 1) {
      fail(`macro "${first}" takes no fields, got "${tokens.slice(1).join(' ')}"`);
    } else {
      tokens = expansion.split(' ');
    }
  }
  if (tokens.some((t) => t.startsWith('#'))) {
    fail('"#" comments are not supported in cron expressions');
  }
  let keys: readonly ParsedField[];
  if (tokens.length === 5) {
    keys = FIVE_FIELDS;
  } else if (tokens.length === 6) {
    keys = ['second', ...FIVE_FIELDS];
    const last = tokens[5] ?? '';
    if (/^\d{4}(-\d{4})?(\/\d+)?$/.test(last)) {
      fail(
        `the 6th field "${last}" looks like a year, but 6 fields here are ${SIX_FIELDS_TEXT} (seconds first, as in ` +
          `node-cron, croner and Quartz; Temporal's CLI reads 6 fields as ${TEMPORAL_SIX_TEXT}); ` +
          `drop the year and bound the schedule with startAt/endAt`,
      );
    }
  } else if (tokens.length === 7) {
    return fail(
      `7 fields (Temporal's second minute hour day-of-month month day-of-week year) are not accepted; ` +
        `${VALID_FORMS}; bound years with startAt/endAt`,
    );
  } else {
    return fail(`expected ${VALID_FORMS}, got ${tokens.length} field${tokens.length === 1 ? '' : 's'}`);
  }
  const result: CalendarFields = {
    second: [{ start: 0, end: 0, step: 1 }],
    minute: [],
    hour: [],
    dayOfMonth: [],
    month: [],
    dayOfWeek: [],
    year: [],
  };
  keys.forEach((key, i) => {
    result[key] = parseField(tokens[i] ?? '', FIELDS[key], expr);
  });
  return result;
}

function parseField(text: string, spec: FieldSpec, expr: string): Range[] {
  const { label } = spec;
  const fail = (message: string): never => {
    throw new CronError(`${label} ${message}`, expr, spec.key);
  };
  if (text.includes('?')) fail(`"${text}" uses "?", which is not supported; use "*"`);
  if (text.includes('#')) {
    fail(`"${text}" uses "#" (nth weekday of the month), which is not supported`);
  }
  const ranges: Range[] = [];
  for (const part of text.split(',')) {
    if (part === '') fail(`"${text}" has an empty list item`);
    const slashes = part.split('/');
    if (slashes.length > 2) fail(`"${part}" has more than one "/"`);
    const [base = '', stepText] = slashes;
    let step = 1;
    if (stepText !== undefined) {
      if (stepText === '') fail(`step is missing after "/" in "${part}"`);
      if (!/^\d+$/.test(stepText)) fail(`step "${stepText}" is not a number`);
      step = Number(stepText);
      if (step < 1) fail(`step ${step} must be at least 1`);
      if (base === '') fail(`"${part}" is missing a value before "/"`);
    }
    let start = spec.min;
    let end = spec.max;
    if (base !== '*') {
      const dashes = base.split('-');
      if (dashes.length > 2) fail(`"${base}" has more than one "-"`);
      const [from = '', to] = dashes;
      if (to === undefined) {
        start = parseValue(from, spec, expr);
        // As in Temporal, `a/n` runs from a to the field's maximum; a lone value is just itself.
        end = stepText === undefined ? start : spec.max;
      } else {
        if (from === '' || to === '') fail(`range "${base}" is missing its ${from === '' ? 'start' : 'end'}`);
        start = parseValue(from, spec, expr);
        end = parseValue(to, spec, expr);
        if (end < start) fail(`range ${from}-${to} ends before it starts`);
      }
    }
    if (spec.key === 'dayOfWeek' && end === 7) {
      // 7 is Sunday. Temporal's own parser drops Sunday from `1-7`; we keep it.
      if ((7 - start) % step === 0 && start !== 0) ranges.push({ start: 0, end: 0, step: 1 });
      if (start === 7) continue;
      end = 6;
    }
    ranges.push({ start, end, step });
  }
  return ranges;
}

function parseValue(text: string, spec: FieldSpec, expr: string): number {
  const fail = (message: string): never => {
    throw new CronError(`${spec.label} ${message}`, expr, spec.key);
  };
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) fail(`${value} is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  if (spec.names && text.length >= spec.minNameLength) {
    const lower = text.toLowerCase();
    const index = spec.names.findIndex((name) => name.startsWith(lower));
    if (index >= 0) return index + spec.nameBase;
  }
  if (/^(\d*L|LW)$/i.test(text)) fail(`"${text}" uses "L" (last day), which is not supported`);
  if (/^\d+W$/i.test(text)) fail(`"${text}" uses "W" (nearest weekday), which is not supported`);
  return fail(`"${text}" is not a number or name (valid: ${spec.valid})`);
}

const SHORT_MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHORT_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The sorted distinct values a list of ranges matches, ignoring values outside [min, max]. */
function expand(ranges: readonly Range[], min: number, max: number): number[] {
  const values = new Set<number>();
  for (const r of ranges) {
    const step = Math.max(1, r.step);
    for (let v = r.start; v <= Math.max(r.start, r.end); v += step) {
      if (v >= min && v <= max) values.add(v);
    }
  }
  return [...values].sort((a, b) => a - b);
}

/** Renders values compactly, collapsing consecutive runs into `a-b`. */
function renderValues(values: readonly number[], name: (v: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j++;
    const first = values[i] ?? 0;
    const last = values[j] ?? 0;
    parts.push(
      j - i >= 2
        ? `${name(first)}-${name(last)}`
        : values
            .slice(i, j + 1)
            .map(name)
            .join(','),
    );
    i = j + 1;
  }
  return parts.join(',');
}

function renderField(
  ranges: readonly Range[],
  min: number,
  max: number,
  name: (v: number) => string = String,
): string {
  const values = expand(ranges, min, max);
  if (values.length === max - min + 1) return '*';
  const stepped = ranges.length === 1 && ranges[0];
  if (stepped && stepped.step > 1 && stepped.start === min && stepped.end >= max - stepped.step + 1) {
    return `*/${stepped.step}`;
  }
  return renderValues(values, name);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A short human summary of a calendar for tables, e.g. `at 02:00 every day`, `every 15 minutes`,
 * `at 09:30 on Mon-Fri`, `all day on Dec 24-26 in 2026`; anything else falls back to a compact
 * cron-like rendering, e.g. `cron 0 0,30 9-17 * * Mon-Fri`.
 */
export function describeCalendar(c: CalendarFields): string {
  const seconds = expand(c.second, 0, 59);
  const minutes = expand(c.minute, 0, 59);
  const hours = expand(c.hour, 0, 23);
  const doms = expand(c.dayOfMonth, 1, 31);
  const months = expand(c.month, 1, 12);
  const weekdays = expand(c.dayOfWeek, 0, 6);
  const allDom = doms.length === 31;
  const allMonths = months.length === 12;
  const allWeekdays = weekdays.length === 7;
  const years = c.year.length === 0 ? '' : ` in ${renderField(c.year, 0, 9999)}`;

  let time: string | undefined;
  const minuteField = renderField(c.minute, 0, 59);
  if (seconds.length === 60 && minutes.length === 60 && hours.length === 24) {
    time = 'all day';
  } else if (seconds.length === 1 && hours.length === 24) {
    const second = seconds[0] ?? 0;
    const atSecond = second === 0 ? '' : ` at second ${second}`;
    if (minuteField === '*') time = `every minute${atSecond}`;
    else if (minuteField.startsWith('*/')) time = `every ${minuteField.slice(2)} minutes${atSecond}`;
    else if (minutes.length === 1) {
      time = `every hour at :${pad(minutes[0] ?? 0)}${second === 0 ? '' : `:${pad(second)}`}`;
    }
  } else if (minutes.length === 60 && hours.length === 24 && renderField(c.second, 0, 59).startsWith('*/')) {
    time = `every ${renderField(c.second, 0, 59).slice(2)} seconds`;
  } else if (seconds.length === 1 && minutes.length * hours.length <= 4) {
    const withSeconds = seconds[0] !== 0;
    const times = hours.flatMap((h) =>
      minutes.map((m) => `${pad(h)}:${pad(m)}${withSeconds ? `:${pad(seconds[0] ?? 0)}` : ''}`),
    );
    if (times.length > 0) time = `at ${times.join(', ')}`;
  }

  let days: string | undefined;
  const weekdayText = renderValues(weekdays, (v) => SHORT_WEEKDAYS[v] ?? String(v));
  const monthText = renderValues(months, (v) => SHORT_MONTHS[v] ?? String(v));
  if (allDom && allMonths) {
    days = allWeekdays ? 'every day' : `on ${weekdayText}`;
  } else if (allWeekdays && allMonths) {
    days = `on day${doms.length > 1 ? 's' : ''} ${renderValues(doms, String)} of every month`;
  } else if (allWeekdays && allDom) {
    days = `every day in ${monthText}`;
  } else if (allWeekdays && months.length === 1) {
    days = `on ${monthText} ${renderValues(doms, String)}`;
  }

  if (time !== undefined && days !== undefined) {
    return time.startsWith('every') && days === 'every day' ? `${time}${years}` : `${time} ${days}${years}`;
  }
  const fields = [
    renderField(c.second, 0, 59),
    minuteField,
    renderField(c.hour, 0, 23),
    renderField(c.dayOfMonth, 1, 31),
    renderField(c.month, 1, 12, (v) => SHORT_MONTHS[v] ?? String(v)),
    renderField(c.dayOfWeek, 0, 6, (v) => SHORT_WEEKDAYS[v] ?? String(v)),
  ];
  return `cron ${fields.join(' ')}${years}`;
}
