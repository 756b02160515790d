/**
 * deploy/postgres/roles.sh (the compose file's postgres-roles job) against the real local
 * PostgreSQL, with role and database names of its own: creates the roles and the jobs' database,
 * runs again without error (every `docker compose up` runs it), and then only updates passwords.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'pg';

const SCRIPT = join(__dirname, '..', '..', '..', 'deploy', 'postgres', 'roles.sh');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function runRoles(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync('sh', [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', PGHOST: '127.0.0.1', PGPORT: '5432', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/postgres/roles.sh', () => {
  it('creates the roles and the jobs database once, and is safe to run again', async () => {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    const names = { temporal: `t_${suffix}`, jobs: `j_${suffix}`, db: `d_${suffix}` };
    const env = {
      POSTGRES_PASSWORD: 'unused-with-trust-auth',
      TEMPORAL_DB_PASSWORD: `it's "quoted"`,
      JOBS_DB_PASSWORD: 'first',
      TEMPORAL_DB_ROLE: names.temporal,
      JOBS_DB_ROLE: names.jobs,
      JOBS_DB_NAME: names.db,
    };
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      const first = runRoles(env);
      assert.equal(first.status, 0, first.output);
      const passwordOf = async (role: string) =>
        (
          await admin.query<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [
            role,
          ])
        ).rows[0]?.p;
      const before = await passwordOf(names.jobs);
      const again = runRoles({ ...env, JOBS_DB_PASSWORD: 'rotated' });
      assert.equal(again.status, 0, again.output);

      const roles = await admin.query<{ rolname: string; rolcreatedb: boolean; rolcanlogin: boolean }>(
        'SELECT rolname, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
        [[names.temporal, names.jobs]],
      );
      assert.deepEqual(roles.rows, [
        { rolname: names.jobs, rolcreatedb: false, rolcanlogin: true },
        { rolname: names.temporal, rolcreatedb: true, rolcanlogin: true },
      ]);
      const owner = await admin.query<{ owner: string }>(
        'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
        [names.db],
      );
      assert.deepEqual(owner.rows, [{ owner: names.jobs }]);
      assert.ok(before, 'no password was set');
      assert.notEqual(await passwordOf(names.jobs), before, 'the second run did not update the password');
      assert.ok(!again.output.includes('rotated'), 'the script printed a password');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${names.db}`);
      await admin.query(`DROP ROLE IF EXISTS ${names.temporal}`);
      await admin.query(`DROP ROLE IF EXISTS ${names.jobs}`);
      await admin.end();
    }
  });

  it('names the missing variable and changes nothing without it', () => {
    const result = runRoles({ POSTGRES_PASSWORD: 'x', TEMPORAL_DB_PASSWORD: 'y' });
    assert.notEqual(result.status, 0);
    assert.match(result.output, /JOBS_DB_PASSWORD must be set/);
  });
});
