/** What `validate` shows of each job's schedule: the schedule in words and its next 3 fire times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJobsText } from '../../src/jobs/load';
import { formatPreview, schedulePreviews } from '../../src/jobs/schedule-preview';
import { shopRegistry } from '../helpers/jobs';

const text = `jobs:
  - {id: nightly, type: daily-summary, customer: c, env: e, schedule: {cron: "0 2 * * *", timezone: Asia/Shanghai}}
  - {id: seconds, type: daily-summary, customer: c, env: e, schedule: {cron: "30 */20 * * * *"}}
  - {id: weekdays, type: daily-summary, customer: c, env: e, schedule: {cron: "0 9 * * *", skip: [weekends], timezone: America/New_York}}
  - {id: quarter, type: daily-summary, customer: c, env: e, schedule: {every: 15m, offset: 1m}}
  - {id: done, type: daily-summary, customer: c, env: e, schedule: {every: 1h, endAt: "2020-06-01T00:00:00Z"}}
`;

describe('validate: schedule previews', () => {
  const now = new Date('2026-12-04T17:59:59.500Z'); // a Friday
  const previews = schedulePreviews(parseJobsText(text, 'j.yaml', shopRegistry()), now);
  const lines = previews.flatMap(formatPreview);

  it('say each schedule in words, with its zone, then its next 3 fire times in that zone and in UTC', () => {
    assert.deepEqual(lines, [
      'nightly: at 02:00 every day (Asia/Shanghai)',
      '  next: 2026-12-05 02:00:00 Asia/Shanghai (2026-12-04T18:00:00Z)',
      '  next: 2026-12-06 02:00:00 Asia/Shanghai (2026-12-05T18:00:00Z)',
      '  next: 2026-12-07 02:00:00 Asia/Shanghai (2026-12-06T18:00:00Z)',
      'seconds: every 20 minutes at second 30 (UTC)',
      '  next: 2026-12-04 18:00:30 UTC (2026-12-04T18:00:30Z)',
      '  next: 2026-12-04 18:20:30 UTC (2026-12-04T18:20:30Z)',
      '  next: 2026-12-04 18:40:30 UTC (2026-12-04T18:40:30Z)',
      `weekdays: ${previews[2]?.schedule} (America/New_York)`,
      '  next: 2026-12-07 09:00:00 America/New_York (2026-12-07T14:00:00Z)',
      '  next: 2026-12-08 09:00:00 America/New_York (2026-12-08T14:00:00Z)',
      '  next: 2026-12-09 09:00:00 America/New_York (2026-12-09T14:00:00Z)',
      'quarter: every 15m +1m (UTC)',
      '  next: 2026-12-04 18:01:00 UTC (2026-12-04T18:01:00Z)',
      '  next: 2026-12-04 18:16:00 UTC (2026-12-04T18:16:00Z)',
      '  next: 2026-12-04 18:31:00 UTC (2026-12-04T18:31:00Z)',
      'done: every 1h (UTC)',
      '  next: never',
    ]);
    assert.match(previews[2]?.schedule ?? '', /at 09:00 every day; skip 1 calendar\(s\)/);
  });

  it('say intervals as durations are written, in the largest units', () => {
    const ninety = `jobs:
  - {id: ninety, type: daily-summary, customer: c, env: e, schedule: {every: 90m, offset: 90s}}
`;
    const [preview] = schedulePreviews(parseJobsText(ninety, 'j.yaml', shopRegistry()), now);
    assert.equal(preview?.schedule, 'every 1h30m +1m30s');
  });
});
