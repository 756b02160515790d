/**
 * Change detection for `apply`. A job's definition is the schedule built from it (spec, action
 * with its arguments and search attributes, policies, schedule search attributes), normalized
 * so a built schedule and one read back with `describe()` compare by meaning. Its hash is kept on
 * the schedule in the `scheduleSync` search attribute (a schedule's memo cannot be updated), so
 * a re-apply of an unchanged file reads hashes from one list call and sends no updates.
 * Pause state is not part of the hash: it is compared live, and only when the file sets it.
 * The record also names the project of the jobs file that wrote it, which `apply --prune` reads
 * from the same list call to delete only its own project's schedules.
 */
import { createHash } from 'node:crypto';
import type { ScheduleDescription, ScheduleOptions, ScheduleSummary } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { KEY_ID_METADATA } from '../codec/encryption-codec';
import { PROJECT_PATTERN } from '../jobs/project';
import { SCHEDULE_SYNC } from '../search-attributes';
import { msOf } from '../duration';
import { specMeaning } from './spec-model';

/** Field path (e.g. `spec.calendars`, `action.args`) → normalized value. */
export type Definition = Map<string, unknown>;

/** durable-cron's record on a managed schedule, stored in {@link SCHEDULE_SYNC}. */
export interface SyncRecord {
  /** Hash of the definition apply last wrote. */
  readonly hash?: string;
  /** When durable-cron paused the schedule (cleared when it unpauses it). */
  readonly pausedAt?: Date;
  /** The project of the jobs file that last applied it; absent on schedules of older versions. */
  readonly project?: string;
}

const SYNC_VERSION = 'v1';

/**
 * Encodes a sync record as the search attribute's value (well under 255 characters). Fields are
 * `key=value` words, so older versions, which read only the keys they know, keep working.
 */
export function encodeSync(record: SyncRecord): string {
  const parts = [SYNC_VERSION];
  if (record.hash) parts.push(`hash=${record.hash}`);
  if (record.pausedAt) parts.push(`pausedAt=${record.pausedAt.toISOString()}`);
  if (record.project) parts.push(`project=${record.project}`);
  return parts.join(' ');
}

/** Decodes a sync record; anything unreadable is an empty record. */
export function decodeSync(value: unknown): SyncRecord {
  if (typeof value !== 'string' || !value.startsWith(`${SYNC_VERSION} `)) return {};
  const fields = new Map(
    value
      .split(' ')
      .slice(1)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
  );
  const pausedAt = fields.get('pausedAt');
  const at = pausedAt === undefined ? undefined : new Date(pausedAt);
  const project = fields.get('project');
  return {
    ...(fields.get('hash') ? { hash: fields.get('hash') } : {}),
    ...(at && !Number.isNaN(at.getTime()) ? { pausedAt: at } : {}),
    ...(project !== undefined && PROJECT_PATTERN.test(project) ? { project } : {}),
  };
}

/** The sync record of a described or listed schedule. */
export function syncOf(schedule: Pick<ScheduleSummary, 'typedSearchAttributes'>): SyncRecord {
  return decodeSync(schedule.typedSearchAttributes?.get(SCHEDULE_SYNC));
}

function pairsOf(attrs: SearchAttributePair[] | TypedSearchAttributes | undefined): string[] {
  if (attrs === undefined) return [];
  const pairs = Array.isArray(attrs) ? attrs : attrs.getAll();
  return pairs
    .filter((p) => p.key.name !== SCHEDULE_SYNC.name)
    .map((p) => `${p.key.name}=${JSON.stringify(p.value instanceof Date ? p.value.toISOString() : p.value)}`)
    .sort();
}

/** JSON with sorted keys and Dates as ISO strings; empty objects count as absent. */
function stable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, stable(v)] as const);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

type Side = Pick<ScheduleOptions, 'spec' | 'action' | 'policies' | 'typedSearchAttributes'>;

function normalizeAction(key: string, value: unknown): unknown {
  if (key === 'typedSearchAttributes') return pairsOf(value as SearchAttributePair[]);
  if (key === 'searchAttributes') return undefined; // the untyped view of typedSearchAttributes
  // Built as a duration string, described in milliseconds.
  if (key.endsWith('Timeout')) return value === undefined ? undefined : msOf(value);
  return stable(value);
}

/**
 * The normalized definition of a schedule. Keys come from `keysFrom` (the built schedule), so
 * fields a later version adds to the built schedule are covered without changes here.
 */
function definitionOf(side: Side, keysFrom: Side): Definition {
  const def: Definition = new Map();
  const spec = specMeaning(side.spec);
  for (const [key, value] of Object.entries(spec)) def.set(`spec.${key}`, value);
  const action = side.action as unknown as Record<string, unknown>;
  const actionKeys = new Set([...Object.keys(keysFrom.action), 'memo']);
  actionKeys.delete('type');
  for (const key of [...actionKeys].sort()) def.set(`action.${key}`, normalizeAction(key, action[key]));
  const policies = side.policies ?? {};
  def.set('policies.overlap', policies.overlap ?? 'SKIP');
  def.set('policies.catchupWindow', msOf(policies.catchupWindow));
  def.set('policies.pauseOnFailure', policies.pauseOnFailure ?? false);
  def.set('searchAttributes', pairsOf(side.typedSearchAttributes));
  return def;
}

/** The definition of a schedule built from a job. */
export function builtDefinition(options: ScheduleOptions): Definition {
  return definitionOf(options, options);
}

/** The definition of a described schedule, with the same fields as `built`'s. */
export function describedDefinition(description: ScheduleDescription, built: ScheduleOptions): Definition {
  return definitionOf(
    {
      spec: description.spec,
      action: description.action,
      policies: description.policies,
      typedSearchAttributes: description.typedSearchAttributes,
    },
    built,
  );
}

/** Definition field naming the codec key a schedule's stored input is encrypted with. */
export const ENCRYPTION_KEY_FIELD = 'action.encryptionKeyId';

/**
 * `def` plus the codec key id the input is (or is to be) encrypted with: after a key rotation the
 * hash changes, so `apply` rewrites the schedule and its input is stored under the new key. No
 * entry without encryption, so hashes of unencrypted schedules do not depend on this.
 */
export function withEncryptionKey(def: Definition, keyId: string | undefined): Definition {
  if (keyId !== undefined) def.set(ENCRYPTION_KEY_FIELD, keyId);
  return def;
}

/** The key id of a described schedule's stored (encrypted) input, or undefined when not encrypted. */
export function storedEncryptionKey(description: ScheduleDescription): string | undefined {
  const id =
    description.raw.schedule?.action?.startWorkflow?.input?.payloads?.[0]?.metadata?.[KEY_ID_METADATA];
  return id ? Buffer.from(id).toString() : undefined;
}

/** Hash of a definition: 16 hex digits of SHA-256 over its stable JSON. */
export function hashDefinition(def: Definition): string {
  const json = JSON.stringify([...def.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** Field paths whose values differ between two definitions. */
export function changedFields(expected: Definition, actual: Definition): string[] {
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  return [...keys].filter((k) => JSON.stringify(expected.get(k)) !== JSON.stringify(actual.get(k))).sort();
}
