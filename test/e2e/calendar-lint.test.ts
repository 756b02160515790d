/**
 * The local calendar that `validate` lints with (DST warnings, next fire times) kept honest
 * against the server: for DST, month-end, leap-day and skip-calendar specs, the fire times it
 * computes equal the server's own (`ListScheduleMatchingTimes` of a paused schedule), and every
 * run time a DST warning names is one the server lists. A jittered schedule's server times pair
 * with the nominal times computed here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ScheduleDescription, ScheduleSpec } from '@temporalio/client';
import { dstWarnings, fireTimesBetween, parseCron, skipDates, WEEKENDS } from '../../src/calendar';
import { toSdkCalendar } from '../../src/schedules/build';
import { nominalFireTimes, serverSchedule } from '../../src/schedules/matching-times';
import { specModelOf } from '../../src/schedules/spec-model';
import { startTestTemporal, type TestTemporal } from '../helpers/temporal';

const cal = (cron: string) => toSdkCalendar(parseCron(cron));
const at = (iso: string) => new Date(iso);

/** Specs whose next fire times cross the hard cases; startAt pins where the server starts. */
const SPECS: { name: string; spec: ScheduleSpec }[] = [
  {
    name: 'New York 02:30 daily across spring-forward (skipped hour)',
    spec: {
      calendars: [cal('30 2 * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-03-10T00:00:00Z'),
    },
  },
  {
    name: 'New York hourly :30 across fall-back (repeated hour fires twice)',
    spec: {
      calendars: [cal('30 * * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-11-07T02:00:00Z'),
    },
  },
  {
    name: 'New York 01:15 daily across fall-back',
    spec: {
      calendars: [cal('15 1 * * *')],
      timezone: 'America/New_York',
      startAt: at('2027-11-03T00:00:00Z'),
    },
  },
  {
    name: 'Berlin 02:30 daily across spring-forward',
    spec: { calendars: [cal('30 2 * * *')], timezone: 'Europe/Berlin', startAt: at('2027-03-24T00:00:00Z') },
  },
  {
    name: 'Berlin every 20 minutes across fall-back',
    spec: {
      calendars: [cal('*/20 2 * * *')],
      timezone: 'Europe/Berlin',
      startAt: at('2027-10-30T00:00:00Z'),
    },
  },
  {
    name: 'day 31 at noon: month ends that have one',
    spec: { calendars: [cal('0 12 31 * *')], timezone: 'UTC', startAt: at('2027-01-01T00:00:00Z') },
  },
  {
    name: 'days 28-31 at 23:59 in Tokyo: month ends',
    spec: {
      calendars: [cal('59 23 28-31 * *')],
      timezone: 'Asia/Tokyo',
      startAt: at('2027-01-20T00:00:00Z'),
    },
  },
  {
    name: 'leap day yearly',
    spec: {
      calendars: [cal('0 6 29 2 *')],
      timezone: 'America/New_York',
      startAt: at('2027-01-01T00:00:00Z'),
    },
  },
  {
    name: 'the 29th monthly across a leap February',
    spec: { calendars: [cal('0 0 29 * *')], timezone: 'Europe/Berlin', startAt: at('2027-12-01T00:00:00Z') },
  },
  {
    name: 'weekdays 09:00 via skip calendar (weekends)',
    spec: {
      calendars: [cal('0 9 * * *')],
      skip: [toSdkCalendar(WEEKENDS)],
      timezone: 'America/New_York',
      startAt: at('2027-03-11T00:00:00Z'),
    },
  },
  {
    name: 'every 6 hours, skipping Christmas dates in Berlin',
    spec: {
      intervals: [{ every: '6h', offset: '1h' }],
      skip: skipDates([{ from: '2027-12-24', to: '2027-12-26' }]).map(toSdkCalendar),
      timezone: 'Europe/Berlin',
      startAt: at('2027-12-23T00:00:00Z'),
    },
  },
  {
    name: 'cron string (converted by the server) with weekdays in Kolkata, and an end',
    spec: {
      cronExpressions: ['45 8 * * 1-5'],
      timezone: 'Asia/Kolkata',
      startAt: at('2027-05-01T00:00:00Z'),
      endAt: at('2027-05-07T00:00:00Z'),
    },
  },
];

const DAY = 86_400_000;
/** How far each spec is compared: over two years, so every month end and a leap February come by. */
const WINDOW_MS = 800 * DAY;

describe('local calendar lint agrees with the server', () => {
  let temporal: TestTemporal;
  const suffix = randomUUID().slice(0, 8);

  before(async () => {
    temporal = await startTestTemporal();
  });

  after(async () => {
    await temporal?.stop();
  });

  /** Creates a paused schedule of `spec`, runs `fn` on its description, deletes it. */
  async function withSchedule(
    id: string,
    spec: ScheduleSpec,
    fn: (described: ScheduleDescription) => Promise<void>,
  ): Promise<void> {
    const { client } = temporal;
    const handle = await client.schedule.create({
      scheduleId: `${id}-${suffix}`,
      spec,
      action: { type: 'startWorkflow', workflowType: 'dailySummary', taskQueue: temporal.config.taskQueue },
      state: { paused: true },
    });
    try {
      await fn(await handle.describe());
    } finally {
      await handle.delete();
    }
  }

  it('computes the fire times ListScheduleMatchingTimes lists, and DST warnings name server run times', async () => {
    let warned = 0;
    for (const [i, { name, spec }] of SPECS.entries()) {
      await withSchedule(`lint-${i}`, { ...spec, jitter: 0 }, async (described) => {
        const from = spec.startAt ?? new Date();
        const to = new Date(from.getTime() + WINDOW_MS);
        const theirs = await nominalFireTimes(serverSchedule(temporal.client, described), from, to, Infinity);
        assert.ok(theirs.length > 0, `${name}: the server lists fire times`);
        // The spec as we build it (cron strings parsed here), not as described: what validate computes.
        const model = specModelOf({
          ...spec,
          calendars: [...(spec.calendars ?? []), ...(spec.cronExpressions ?? []).map(cal)],
        });
        const ours = fireTimesBetween(model, from, new Date(to.getTime() + 1));
        assert.deepEqual(
          ours.map((d) => d.toISOString()),
          theirs.map((d) => d.toISOString()),
          name,
        );
        const serverClock = new Set(theirs.map((d) => d.toISOString().slice(0, 16)));
        for (const c of model.calendars) {
          for (const w of dstWarnings(c, model.timeZone, from, 13)) {
            warned += 1;
            // Each UTC time the warning says Temporal runs at is a server fire within a day of it.
            for (const [, hm] of w.effect.matchAll(/(\d\d:\d\d)(?::\d\d)?Z/g)) {
              const day = Date.parse(`${w.date}T00:00:00Z`);
              const near = [-DAY, 0, DAY].some((o) =>
                serverClock.has(`${new Date(day + o).toISOString().slice(0, 10)}T${hm}`),
              );
              assert.ok(near, `${name}: '${w.effect}' names ${hm}Z, which the server does not list`);
            }
          }
        }
      });
    }
    assert.ok(SPECS.length >= 10);
    assert.ok(warned >= 4, `DST warnings checked: ${warned}`);
  });

  it("pairs a jittered schedule's server times with nominal times, across spring-forward", async () => {
    const spec: ScheduleSpec = {
      calendars: [cal('*/20 1-3 * * *')],
      timezone: 'America/New_York',
      jitter: '15m',
      startAt: at('2027-03-13T00:00:00Z'),
    };
    await withSchedule('lint-jitter', spec, async (described) => {
      const from = at('2027-03-13T00:00:00Z');
      const to = at('2027-03-16T00:00:00Z');
      const schedule = serverSchedule(temporal.client, described);
      const jittered = await schedule.call(new Date(from.getTime() - 1), to);
      const nominal = await nominalFireTimes(schedule, from, to, Infinity);
      const ours = fireTimesBetween(specModelOf(spec), from, new Date(to.getTime() + 1));
      assert.deepEqual(
        nominal.map((d) => d.toISOString()),
        ours.map((d) => d.toISOString()),
      );
      // 9 a day, fewer on the day 02:00-02:59 does not exist.
      assert.ok(nominal.length >= 24 && nominal.length < 27, `${nominal.length} fires`);
      assert.ok(
        jittered.some((t, i) => t.getTime() !== nominal[i]?.getTime()),
        'the server applied jitter to its times',
      );
    });
  });
});
