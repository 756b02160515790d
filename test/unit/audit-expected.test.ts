/** The audit's reading of a described schedule spec into the model fire times are computed from. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleSpecDescription } from '@temporalio/client';
import { expectedFireTimes, specModelFromDescription } from '../../src/audit/expected';

describe('audit: spec from a description', () => {
  it('reads an interval described without an offset (a schedule created without one) as offset 0', () => {
    // What the SDK's describe() returns for `intervals: [{ every: '1s' }]`: no offset field.
    const described = { intervals: [{ every: 1000 }] } as unknown as ScheduleSpecDescription;
    const model = specModelFromDescription(described);
    assert.deepEqual(model.intervals, [{ everyMs: 1000, offsetMs: 0 }]);
    const fires = expectedFireTimes(
      model,
      new Date('2026-12-01T10:00:00Z'),
      new Date('2026-12-01T10:00:02Z'),
    );
    assert.deepEqual(
      fires.map((d) => d.toISOString()),
      ['2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z', '2026-12-01T10:00:02.000Z'],
    );
  });
});
