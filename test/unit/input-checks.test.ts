/**
 * The checks behind the Bad input table of docs/reliability.md that need no server: impossible
 * RFC 3339 fields, a raw
 * `--query` that must stay one expression, and server errors explained in one line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamespaceNotFoundError, SearchAttributesMissingError } from '../../src/errors';
import { formatBytes } from '../../src/jobs/schema';
import { impossibleField } from '../../src/rfc3339';
import { rawQuery } from '../../src/runs/filter';
import { explainServerError, serverErrorLine } from '../../src/server-errors';

describe('impossibleField', () => {
  it('names the first field out of range, and accepts real dates and times', () => {
    assert.equal(impossibleField('2026-02-30'), 'February 2026 has 28 days');
    assert.equal(impossibleField('2028-02-30T00:00:00Z'), 'February 2028 has 29 days');
    assert.equal(impossibleField('2026-04-31T10:00:00+02:00'), 'April 2026 has 30 days');
    assert.equal(impossibleField('2026-13-01'), 'month 13 is out of range 01-12');
    assert.equal(impossibleField('2026-01-00'), 'day 00 is out of range 01-31');
    assert.equal(impossibleField('2026-11-20T24:00:00Z'), 'hour 24 is out of range 00-23');
    assert.equal(impossibleField('2026-11-20T10:60Z'), 'minute 60 is out of range 00-59');
    assert.equal(impossibleField('2026-11-20T10:00:61Z'), 'second 61 is out of range 00-59');
    assert.equal(impossibleField('2026-11-20T10:00:00+25:00'), 'zone offset hour 25 is out of range 00-23');
    for (const ok of ['2028-02-29', '2000-02-29T23:59:59.999Z', '2026-12-31T00:00:00-05:00', 'yesterday']) {
      assert.equal(impossibleField(ok), undefined, ok);
    }
    assert.equal(impossibleField('1900-02-29'), 'February 1900 has 28 days');
  });
});

describe('rawQuery', () => {
  it('accepts one balanced expression, parentheses and escaped quotes inside strings included', () => {
    for (const q of [
      "WorkflowType = 'dailySummary'",
      "(a = 'x' OR b = 'y') AND c = ')'",
      "customer = 'o\\'brien' AND env = \"(prod\"",
    ]) {
      assert.equal(rawQuery(q), q);
    }
    assert.equal(rawQuery(undefined), undefined);
  });

  it('rejects what could escape the parentheses it is wrapped in, naming the character', () => {
    assert.throws(
      () => rawQuery("x = '') OR (y = ''"),
      /--query has a '\)' without a matching '\(' at character 7:/,
    );
    assert.throws(() => rawQuery('(a = 1'), /--query has an unclosed '\(' at character 1:/);
    assert.throws(() => rawQuery("a = 'x"), /--query has an unclosed ' quote at character 5:/);
  });
});

describe('server errors', () => {
  const grpc = (code: number, details: string) =>
    Object.assign(new Error(`${code} SOME_STATUS: ${details}`), { code, details });

  it('maps a missing namespace and a missing durable-cron attribute to what to do', () => {
    const sdk = Object.assign(new Error("Namespace not found: 'nope'"), {
      name: 'NamespaceNotFoundError',
      namespace: 'nope',
    });
    const ns = explainServerError(sdk);
    assert.ok(ns instanceof NamespaceNotFoundError);
    assert.match(ns.message, /^namespace 'nope' does not exist on this Temporal server/);
    assert.ok(explainServerError(grpc(5, 'Namespace x is not found.')) instanceof NamespaceNotFoundError);

    const wrapped = new Error('Failed to list schedules', {
      cause: grpc(3, 'Namespace fresh has no mapping defined for search attribute managedBy'),
    });
    const missing = explainServerError(wrapped);
    assert.ok(missing instanceof SearchAttributesMissingError);
    assert.deepEqual(missing.missing, ['managedBy']);
    assert.match(missing.message, /run `durable-cron setup --namespace fresh`/);
  });

  it("keeps the server's reason for other errors, and does not blame setup for the user's own attribute", () => {
    const err = new Error('Failed to list workflows', {
      cause: grpc(3, "invalid query: column name 'colour' is not a valid search attribute"),
    });
    assert.equal(
      serverErrorLine(err),
      "Failed to list workflows: invalid query: column name 'colour' is not a valid search attribute",
    );
    const explained = explainServerError(err);
    assert.ok(!(explained instanceof SearchAttributesMissingError));
    assert.equal(explained.message, serverErrorLine(err));
  });
});

describe('formatBytes', () => {
  it('uses KiB and MiB with at most one decimal', () => {
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(256 * 1024), '256 KiB');
    assert.equal(formatBytes(2.5 * 1024 * 1024), '2.5 MiB');
  });
});
