/**
 * The short variant of `npm run chaos` on PostgreSQL: worker processes SIGKILLed and SIGSTOPped,
 * the Temporal server killed and restarted on its database file, a rolling restart of the pool;
 * then every fire is audited and every billing effect checked. Fails on any lost or doubled fire,
 * duplicate effect, or half-done saga.
 */
import { describe, it } from 'node:test';
import { assertPromiseKept, chaos } from '../helpers/chaos';

describe('chaos, short variant', () => {
  it('loses and doubles nothing on PostgreSQL while workers die and the server restarts', async () => {
    assertPromiseKept(await chaos(['--short', '--kill-interval', '5s']));
  });
});
