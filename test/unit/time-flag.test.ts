/** The one parser of every command's time flags (absolute RFC 3339 and relative), and the one form of fire times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFireTime } from '../../src/rfc3339';
import { parseTimeFlag } from '../../src/time-flag';

const now = new Date('2026-11-24T20:21:40Z');

describe('time flags', () => {
  it('takes RFC 3339 times with a zone, and a date alone as its UTC midnight', () => {
    assert.equal(
      parseTimeFlag('from', '2026-11-20T01:02:03+01:00', now).toISOString(),
      '2026-11-20T00:02:03.000Z',
    );
    assert.equal(parseTimeFlag('from', '2026-11-20', now).toISOString(), '2026-11-20T00:00:00.000Z');
  });

  it('takes a relative time as that long before now', () => {
    assert.equal(parseTimeFlag('from', '24h', now).toISOString(), '2026-11-23T20:21:40.000Z');
    assert.equal(parseTimeFlag('to', '1h30m', now).toISOString(), '2026-11-24T18:51:40.000Z');
  });

  it('leaves a flag that was not given undefined', () => {
    assert.equal(parseTimeFlag('to', undefined, now), undefined);
  });

  it('names the flag, the value and the valid forms', () => {
    assert.throws(
      () => parseTimeFlag('from', '2026-11-20T00:00', now),
      /--from '2026-11-20T00:00' is neither an RFC 3339 time \(e\.g\. 2026-11-20T00:00:00Z\) nor a relative time \(an integer with a unit/,
    );
    assert.throws(
      () => parseTimeFlag('since', '2026-02-30', now),
      /--since '2026-02-30' is not a real time: February 2026 has 28 days/,
    );
    assert.throws(
      () => parseTimeFlag('from', '40000d', now),
      /--from '40000d' reaches back more than 36500d/,
    );
  });
});

describe('fire times as users read them', () => {
  it('are RFC 3339 UTC in whole seconds, as in run ids', () => {
    assert.equal(formatFireTime(new Date('2026-11-24T20:21:40.000Z')), '2026-11-24T20:21:40Z');
    assert.equal(formatFireTime('2026-11-24T21:21:40+01:00'), '2026-11-24T20:21:40Z');
  });

  it('keep milliseconds only when there are some', () => {
    assert.equal(formatFireTime(new Date('2026-11-24T20:21:40.250Z')), '2026-11-24T20:21:40.250Z');
  });
});
