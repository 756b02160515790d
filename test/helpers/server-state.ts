/**
 * Snapshots of what a command could have changed, for "bad input changes nothing" checks: a
 * namespace's schedules (as describe() returns them), its workflow count and custom search
 * attributes, and the row counts of a database schema's tables.
 */
import type { Client } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import type { Pool } from 'pg';

/** What describe() says about one schedule, minus what moves by itself (next fire times). */
export interface ScheduleEssentials {
  readonly id: string;
  readonly spec: unknown;
  readonly action: unknown;
  readonly policies: unknown;
  readonly state: unknown;
  readonly searchAttributes: Record<string, unknown>;
  readonly createdAt: string;
  readonly lastUpdatedAt: string | undefined;
  readonly actionsTaken: number;
  readonly recentActions: number;
}

/** One namespace's state. */
export interface NamespaceState {
  readonly namespace: string;
  readonly schedules: readonly ScheduleEssentials[];
  /** `client.workflow.count()`: every execution in the namespace, open or closed. */
  readonly workflows: number;
  /** Custom search attribute names registered on the namespace, sorted. */
  readonly searchAttributes: readonly string[];
}

function json(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function pairs(typed: TypedSearchAttributes | SearchAttributePair[] | undefined): Record<string, unknown> {
  const all = typed === undefined ? [] : Array.isArray(typed) ? typed : typed.getAll();
  return Object.fromEntries(all.map((p) => [p.key.name, json(p.value)]));
}

/** Reads the namespace `client` is bound to: every schedule described, workflows counted. */
export async function namespaceState(client: Client): Promise<NamespaceState> {
  const schedules: ScheduleEssentials[] = [];
  for await (const listed of client.schedule.list()) {
    const d = await client.schedule.getHandle(listed.scheduleId).describe();
    // Search attributes come back in no fixed order: compare them as objects.
    const { typedSearchAttributes, searchAttributes: _untyped, ...action } = d.action;
    schedules.push({
      id: d.scheduleId,
      // JSON round trip: Dates become strings, undefined fields drop out, so deepEqual compares meaning.
      spec: json(d.spec),
      action: { ...(json(action) as object), searchAttributes: pairs(typedSearchAttributes) },
      policies: json(d.policies),
      state: json(d.state),
      searchAttributes: pairs(d.typedSearchAttributes),
      createdAt: d.info.createdAt.toISOString(),
      lastUpdatedAt: d.info.lastUpdatedAt?.toISOString(),
      actionsTaken: d.info.numActionsTaken,
      recentActions: d.info.recentActions.length,
    });
  }
  schedules.sort((a, b) => a.id.localeCompare(b.id));
  const { count } = await client.workflow.count();
  const attributes = await client.connection.operatorService.listSearchAttributes({
    namespace: client.options.namespace,
  });
  return {
    namespace: client.options.namespace,
    schedules,
    workflows: count,
    searchAttributes: Object.keys(attributes.customAttributes ?? {}).sort(),
  };
}

/** Every table of `schema` with its row count (an empty object for a schema without tables). */
export async function tableCounts(pool: Pool, schema: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  const counts: Record<string, number> = {};
  for (const { table_name: table } of rows) {
    const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`);
    counts[table] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}
