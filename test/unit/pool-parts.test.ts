/** Pieces of the worker pool and `runs show` that need no server: metric merging, logs, history folding. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msNumberToTs } from '@temporalio/common/lib/time';
import { readHistory } from '../../src/runs/show';
import { choiceArg } from '../../src/cli/options';
import { LOG_FORMATS, StructuredLogger } from '../../src/worker/log';
import { mergeExpositions } from '../../src/worker/metrics';

describe('metrics merging', () => {
  it('labels each process and keeps every family together under one header', () => {
    const text = (n: number) =>
      [
        '# HELP requests Requests',
        '# TYPE requests counter',
        `requests{op="poll"} ${n}`,
        '# HELP latency Latency',
        '# TYPE latency histogram',
        `latency_bucket{le="+Inf"} ${n}`,
        `latency_sum ${n}`,
        `latency_count ${n}`,
      ].join('\n');
    const merged = mergeExpositions('process', [
      { key: '1', text: text(1) },
      { key: '2', text: text(2) },
    ]);
    assert.equal(
      merged,
      [
        '# HELP requests Requests',
        '# TYPE requests counter',
        'requests{process="1",op="poll"} 1',
        'requests{process="2",op="poll"} 2',
        '# HELP latency Latency',
        '# TYPE latency histogram',
        'latency_bucket{process="1",le="+Inf"} 1',
        'latency_sum{process="1"} 1',
        'latency_count{process="1"} 1',
        'latency_bucket{process="2",le="+Inf"} 2',
        'latency_sum{process="2"} 2',
        'latency_count{process="2"} 2',
        '',
      ].join('\n'),
    );
  });
});

describe('structured logs', () => {
  it('writes JSON lines or readable lines with the run fields, hiding task tokens', () => {
    const lines: string[] = [];
    const json = new StructuredLogger({
      level: 'INFO',
      format: 'json',
      base: { process: 2 },
      write: (l) => lines.push(l),
    });
    json.debug('hidden');
    json.info('step completed', { workflowId: 'w-1', job: 'j', step: 's', attempt: 3, taskToken: 'abc' });
    assert.equal(lines.length, 1);
    const parsed = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(
      { ...parsed, time: undefined },
      {
        time: undefined,
        level: 'info',
        message: 'step completed',
        process: 2,
        workflowId: 'w-1',
        job: 'j',
        step: 's',
        attempt: 3,
      },
    );
    const text = new StructuredLogger({
      level: 'INFO',
      format: 'text',
      base: { process: 1 },
      write: (l) => lines.push(l),
    });
    text.warn('step failed', { workflowId: 'w-1', attempt: 2 });
    assert.match(lines[1] ?? '', /^\S+Z WARN {2}\[p1\] step failed workflowId=w-1 attempt=2$/);
    assert.throws(
      () => choiceArg('--log-format', LOG_FORMATS)('xml'),
      /--log-format 'xml' is not one of text, json/,
    );
  });
});

describe('run history', () => {
  const t = (s: number) => msNumberToTs((1_700_000_000 + s) * 1000);
  it('folds steps with attempts and errors, and takes what ran after a failure as compensations', () => {
    // Event ids are Longs in the protobuf types; plain numbers key the same map here.
    const events = [
      {
        eventId: 5,
        eventTime: t(0),
        activityTaskScheduledEventAttributes: { activityId: '1', activityType: { name: 'charge' } },
      },
      {
        eventId: 6,
        eventTime: t(1),
        activityTaskStartedEventAttributes: {
          scheduledEventId: 5,
          attempt: 3,
          lastFailure: { message: 'card timeout' },
        },
      },
      { eventId: 7, eventTime: t(4), activityTaskCompletedEventAttributes: { scheduledEventId: 5 } },
      {
        eventId: 8,
        eventTime: t(4),
        activityTaskScheduledEventAttributes: { activityId: '2', activityType: { name: 'sendInvoice' } },
      },
      {
        eventId: 9,
        eventTime: t(5),
        activityTaskStartedEventAttributes: { scheduledEventId: 8, attempt: 1 },
      },
      {
        eventId: 10,
        eventTime: t(6),
        activityTaskFailedEventAttributes: { scheduledEventId: 8, failure: { message: 'smtp down' } },
      },
      {
        eventId: 11,
        eventTime: t(6),
        activityTaskScheduledEventAttributes: { activityId: '3', activityType: { name: 'refund' } },
      },
      {
        eventId: 12,
        eventTime: t(7),
        activityTaskStartedEventAttributes: { scheduledEventId: 11, attempt: 1 },
      },
      { eventId: 13, eventTime: t(8), activityTaskCompletedEventAttributes: { scheduledEventId: 11 } },
      {
        eventId: 14,
        eventTime: t(9),
        workflowExecutionFailedEventAttributes: {
          failure: { message: 'billing failed', cause: { message: 'smtp down' } },
        },
      },
    ] as unknown as Parameters<typeof readHistory>[0];
    const folded = readHistory(events);
    assert.deepEqual(
      folded.steps.map((s) => [s.step, s.state, s.attempts, s.durationMs, s.lastError]),
      [
        ['charge', 'completed', 3, 4000, 'card timeout'],
        ['sendInvoice', 'failed', 1, 2000, 'smtp down'],
      ],
    );
    assert.deepEqual(
      folded.compensations.map((s) => [s.step, s.state]),
      [['refund', 'completed']],
    );
    assert.equal(folded.failure, 'billing failed: smtp down');
  });
});
