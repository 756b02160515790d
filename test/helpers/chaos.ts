/**
 * Runs `npm run chaos`'s harness as a test: in its own process group (killed whole if it overruns),
 * its figures read back from its JSON output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaosResult } from '../../scripts/chaos/shared';

const CHAOS = join(__dirname, '..', '..', 'scripts', 'chaos.js');
/**
 * The harness's own bound: start-up, faults (75 s), settling (its own limit, 180 s), audit and
 * clean-up, with room for a loaded machine, where runs take longer to close.
 */
const RUN_LIMIT_MS = 420_000;

/** Runs the harness in its own process group; on overrun the whole group is killed. */
export async function chaos(
  args: string[],
): Promise<{ code: number | null; result: ChaosResult; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'chaos-test-'));
  const json = join(dir, 'result.json');
  const child = spawn(process.execPath, [CHAOS, ...args, '--json', json], {
    detached: true,
    // The IPC channel tells the harness when this test process is gone (see scripts/chaos.ts).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, RUN_LIMIT_MS);
  try {
    const code = await exit;
    assert.notEqual(
      code,
      null,
      `chaos run overran ${RUN_LIMIT_MS / 1000}s and was killed:\n${output.slice(-3000)}`,
    );
    const parsed = JSON.parse(readFileSync(json, 'utf8')) as { result: ChaosResult };
    return { code, result: parsed.result, output };
  } finally {
    clearTimeout(timer);
    // Anything of the run still alive (it cleans up after itself; this is the backstop).
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts the short variant's targets: enough fires and faults, nothing lost, doubled or half done. */
export function assertPromiseKept(run: { code: number | null; result: ChaosResult; output: string }): void {
  const { result, output } = run;
  const tail = output.slice(-2500);
  assert.ok(result.expected >= 100, `at least 100 fires expected, got ${result.expected}\n${tail}`);
  assert.ok(result.faults.kills >= 5, `at least 5 worker kills, got ${result.faults.kills}\n${tail}`);
  assert.equal(result.faults.serverRestarts, 1, tail);
  assert.equal(result.lost, 0, `lost fires: ${result.details.missing.join(', ')}\n${tail}`);
  assert.equal(result.doubled, 0, `doubled fires: ${result.details.doubled.join(', ')}\n${tail}`);
  assert.equal(result.failed, 0, `failed fires: ${result.details.failed.join(', ')}\n${tail}`);
  assert.equal(result.ranOnce, result.expected, tail);
  assert.equal(result.effects.duplicateEffects, 0, tail);
  assert.deepEqual(result.effects.incompleteFires, [], tail);
  assert.deepEqual(result.effects.notCompensated, [], tail);
  assert.deepEqual(result.effects.orphanedReservations, [], tail);
  assert.ok(result.compensated > 0, `the failing billing jobs compensated\n${tail}`);
  assert.equal(run.code, 0, tail);
}
