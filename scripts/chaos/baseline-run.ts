/** Placeholder replaced when the baseline fleet lands. */
import type { ChaosResult, ChaosSettings } from './shared';

/** Runs the classic design under the fault plan. */
export async function runBaselineChaos(
  _settings: ChaosSettings,
  _lockTtlMs: number,
  _log: (line: string) => void,
): Promise<ChaosResult> {
  throw new Error('the baseline is not built yet');
}
