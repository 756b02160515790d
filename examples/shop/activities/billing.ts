/**
 * Steps of the `billing` saga: reserve an invoice number → charge the customer → send the invoice;
 * compensations void the invoice and refund the charge. Every effect goes through the step's
 * idempotency key; compensations find the effect to undo by the key of the step they undo.
 */
import type { Pool } from 'pg';
import { idempotencyKey, localDate, once, requireDb, type StepContext } from '../../../src';
import { databasePaymentProvider, type PaymentProvider } from './payment-provider';

/** Input of every billing step (the job's input). */
export interface BillingStepInput {
  readonly amountCents: number;
}

/** A reserved invoice. */
export interface ReservedInvoice {
  readonly number: number;
  readonly period: string;
  readonly created: boolean;
}

/** Builds the billing activities. */
export function createBillingActivities(deps: { db?: Pool; paymentProvider?: PaymentProvider }) {
  const provider = (step: string) =>
    deps.paymentProvider ?? databasePaymentProvider(requireDb(deps.db, step));
  return {
    /** Reserves the next invoice number for the fire's period (its date in the job's timezone). */
    async reserveInvoice(ctx: StepContext, input: BillingStepInput): Promise<ReservedInvoice> {
      const db = requireDb(deps.db, 'reserveInvoice');
      const key = idempotencyKey('reserveInvoice');
      const period = localDate(ctx.fireTime, ctx.timezone);
      const { result, created } = await once(db, key, 'reserveInvoice', async (tx) => {
        const { rows } = await tx.query<{ number: string }>(
          `INSERT INTO invoices (idempotency_key, customer_id, amount_cents, period)
           VALUES ($1, $2, $3, $4) RETURNING number`,
          [key, ctx.customer, input.amountCents, period],
        );
        return { number: Number(rows[0]?.number), period };
      });
      return { ...result, created };
    },

    /** Charges the customer through the payment provider, with the step's idempotency key. */
    async chargeCard(
      ctx: StepContext,
      input: BillingStepInput & { invoiceNumber: number },
    ): Promise<{ chargeId: string; amountCents: number }> {
      const charge = await provider('chargeCard').charge({
        idempotencyKey: idempotencyKey('chargeCard'),
        customerId: ctx.customer,
        amountCents: input.amountCents,
      });
      return { chargeId: charge.id, amountCents: charge.amountCents };
    },

    /** Sends the invoice (records the delivery) and marks it sent. */
    async sendInvoice(
      ctx: StepContext,
      input: BillingStepInput & { invoiceNumber: number; chargeId: string },
    ): Promise<{ sentTo: string; created: boolean }> {
      const db = requireDb(deps.db, 'sendInvoice');
      const key = idempotencyKey('sendInvoice');
      const { result, created } = await once(db, key, 'sendInvoice', async (tx) => {
        const { rows } = await tx.query<{ email: string }>('SELECT email FROM customers WHERE id = $1', [
          ctx.customer,
        ]);
        const sentTo = rows[0]?.email ?? `${ctx.customer}@unknown.example`;
        await tx.query(
          'INSERT INTO invoice_deliveries (idempotency_key, invoice_number, recipient) VALUES ($1, $2, $3)',
          [key, input.invoiceNumber, sentTo],
        );
        await tx.query("UPDATE invoices SET status = 'sent', sent_at = now() WHERE number = $1", [
          input.invoiceNumber,
        ]);
        return { sentTo };
      });
      return { ...result, created };
    },

    /** Compensation of `reserveInvoice`: voids the invoice the step reserved, if any. */
    async voidInvoice(_ctx: StepContext, _input: BillingStepInput): Promise<{ voided: number | null }> {
      const db = requireDb(deps.db, 'voidInvoice');
      const { result } = await once(db, idempotencyKey('voidInvoice'), 'voidInvoice', async (tx) => {
        const { rows } = await tx.query<{ number: string }>(
          `UPDATE invoices SET status = 'void', voided_at = now()
           WHERE idempotency_key = $1 AND status <> 'void' RETURNING number`,
          [idempotencyKey('reserveInvoice')],
        );
        return { voided: rows[0] ? Number(rows[0].number) : null };
      });
      return result;
    },

    /** Compensation of `chargeCard`: refunds the charge the step made, if any. */
    async refundCharge(_ctx: StepContext, _input: BillingStepInput): Promise<{ refundId: string | null }> {
      const payments = provider('refundCharge');
      const charge = await payments.findCharge(idempotencyKey('chargeCard'));
      if (!charge) return { refundId: null };
      const refund = await payments.refund({
        idempotencyKey: idempotencyKey('refundCharge'),
        chargeId: charge.id,
      });
      return { refundId: refund.id };
    },
  };
}
