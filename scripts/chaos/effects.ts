/**
 * Chaos harness only: what the fires left in the database. For every billing fire, by its
 * idempotency keys `<jobId>-<fire time>/<step>`: a completed run has one invoice (sent), one
 * captured charge and one delivery; a failed run has its invoice void and its charge refunded
 * (fully compensated); a fire that never ran has no effect at all. Fire lag is when the first
 * step's effect was committed, minus the nominal fire time.
 */
import type { Pool } from 'pg';
import { EFFECTS_TABLE } from '../../src/db/tables';

/** One billing fire as a design ran it. */
export interface BillingFire {
  readonly workflowId: string;
  readonly fireTime: Date;
  /** `completed`, `compensated`, or undefined when no run of it finished. */
  readonly outcome: 'completed' | 'compensated' | undefined;
}

/** Effects found for a set of billing fires. */
export interface EffectsReport {
  /** Effect rows beyond one per completed step (must be 0). */
  duplicateEffects: number;
  /** Completed fires missing an effect they must have (invoice sent, charge captured, delivery). */
  incompleteFires: string[];
  /** Compensated fires whose invoice is not void or whose charge was not refunded. */
  notCompensated: string[];
  /** Invoices still `reserved` (neither sent nor voided): a run that died half way and nobody finished. */
  orphanedReservations: string[];
  /** Fires with no finished run that still left an effect behind. */
  effectsOfUnfinishedFires: string[];
  /** Seconds from each fire time to its first step's effect, for fires that have one. */
  lagSeconds: number[];
  /** The same, with each fire's time (for charts of lag over the run). */
  lagByFire: { fireTime: string; lagSeconds: number }[];
}

interface Row {
  readonly key: string;
  readonly created: Date;
}

/** Checks the effects of `fires` (all billing fires of the run, including those that never ran). */
export async function checkBillingEffects(pool: Pool, fires: readonly BillingFire[]): Promise<EffectsReport> {
  const report: EffectsReport = {
    duplicateEffects: 0,
    incompleteFires: [],
    notCompensated: [],
    orphanedReservations: [],
    effectsOfUnfinishedFires: [],
    lagSeconds: [],
    lagByFire: [],
  };
  const ids = fires.map((f) => f.workflowId);
  const byFire = async (sql: string): Promise<Map<string, Row[]>> => {
    const { rows } = await pool.query<{ key: string; created: Date }>(sql, [ids]);
    const map = new Map<string, Row[]>();
    for (const r of rows) {
      const id = r.key.slice(0, r.key.lastIndexOf('/'));
      map.set(id, [...(map.get(id) ?? []), r]);
    }
    return map;
  };
  const prefixes = `split_part(idempotency_key, '/', 1) = ANY($1)`;
  const effects = await byFire(
    `SELECT idempotency_key AS key, created_at AS created FROM ${EFFECTS_TABLE} WHERE ${prefixes}`,
  );
  const invoices = await pool.query<{ key: string; status: string }>(
    `SELECT idempotency_key AS key, status FROM invoices WHERE ${prefixes}`,
    [ids],
  );
  const charges = await pool.query<{ key: string; status: string }>(
    `SELECT idempotency_key AS key, status FROM payment_charges WHERE ${prefixes}`,
    [ids],
  );
  const deliveries = await byFire(
    `SELECT idempotency_key AS key, sent_at AS created FROM invoice_deliveries WHERE ${prefixes}`,
  );
  const group = (rows: { key: string; status: string }[]) => {
    const map = new Map<string, string[]>();
    for (const r of rows) {
      const id = r.key.slice(0, r.key.lastIndexOf('/'));
      map.set(id, [...(map.get(id) ?? []), r.status]);
    }
    return map;
  };
  const invoiceOf = group(invoices.rows);
  const chargeOf = group(charges.rows);

  for (const fire of fires) {
    const id = fire.workflowId;
    const fx = effects.get(id) ?? [];
    const inv = invoiceOf.get(id) ?? [];
    const chg = chargeOf.get(id) ?? [];
    const del = deliveries.get(id) ?? [];
    const steps = new Map<string, number>();
    for (const e of fx) {
      const step = e.key.slice(e.key.lastIndexOf('/') + 1);
      steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    report.duplicateEffects +=
      [...steps.values()].reduce((n, c) => n + Math.max(0, c - 1), 0) +
      Math.max(0, inv.length - 1) +
      Math.max(0, chg.length - 1) +
      Math.max(0, del.length - 1);
    if (inv.includes('reserved')) report.orphanedReservations.push(id);
    const first = fx.find((e) => e.key.endsWith('/reserveInvoice'));
    if (first) {
      const lagSeconds = (first.created.getTime() - fire.fireTime.getTime()) / 1000;
      report.lagSeconds.push(lagSeconds);
      report.lagByFire.push({ fireTime: fire.fireTime.toISOString(), lagSeconds });
    }
    if (fire.outcome === 'completed') {
      if (!(inv[0] === 'sent' && chg[0] === 'captured' && del.length === 1)) report.incompleteFires.push(id);
    } else if (fire.outcome === 'compensated') {
      if (inv.some((s) => s !== 'void') || chg.some((s) => s !== 'refunded') || del.length > 0) {
        report.notCompensated.push(id);
      }
    } else if (fx.length + inv.length + chg.length + del.length > 0) {
      report.effectsOfUnfinishedFires.push(id);
    }
  }
  return report;
}

/** The p-th percentile (0-100) of `values`, nearest-rank; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
