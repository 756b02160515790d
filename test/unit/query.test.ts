import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { and, quote, quoteTime } from '../../src/query';
import { fireWorkflowId } from '../../src/schedules/fire-runs';

describe('visibility query parts', () => {
  it('quotes values so they cannot widen a query', () => {
    assert.equal(quote('acme'), "'acme'");
    assert.equal(quote("acme' OR customer = 'globex"), "'acme\\' OR customer = \\'globex'");
    assert.equal(quote('back\\slash'), "'back\\\\slash'");
    assert.equal(quoteTime(new Date('2026-11-21T18:00:00Z')), "'2026-11-21T18:00:00.000Z'");
  });

  it('ANDs clauses in parentheses and skips empty ones', () => {
    assert.equal(and('a = 1', undefined, ' ', 'b = 2 OR c = 3'), '(a = 1) AND (b = 2 OR c = 3)');
    assert.equal(and('a = 1'), 'a = 1');
    assert.equal(and(), '');
  });

  it('derives the workflow id Temporal gives a fire', () => {
    assert.equal(
      fireWorkflowId('nightly', new Date('2026-11-21T18:00:00.000Z')),
      'nightly-2026-11-21T18:00:00Z',
    );
  });
});
