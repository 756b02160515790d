/**
 * The short variant of `npm run chaos` on the embedded database (`npm start`'s default): the pool
 * serves the database, so killing its worker processes loses nothing either.
 */
import { describe, it } from 'node:test';
import { assertPromiseKept, chaos } from '../helpers/chaos';

describe('chaos, short variant, embedded database', () => {
  it('loses nothing on the embedded database while the processes using it die', async () => {
    assertPromiseKept(await chaos(['--short', '--embedded', '--kill-interval', '5s']));
  });
});
