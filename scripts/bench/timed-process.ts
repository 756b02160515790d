/** Timing a command as a whole process: wall time, time to its first result row, peak RSS. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What one run of a command took. */
export interface ProcessTiming {
  /** Milliseconds from spawn to the first line `isRow` accepts; -1 when none came. */
  readonly firstMs: number;
  /** Milliseconds from spawn to exit. */
  readonly totalMs: number;
  /** Lines `isRow` accepted. */
  readonly rows: number;
  /** Peak resident set size of the process (VmHWM), in MB. */
  readonly peakRssMb: number;
  /** The whole standard output, when `keepStdout` was set. */
  readonly stdout: string;
}

/**
 * Runs `command args`, counts the stdout lines `isRow` accepts and samples the process's peak RSS
 * every 20 ms (and at each output chunk).
 * @throws {Error} when the command exits with another code than one in `okCodes` (default: 0)
 */
export function timeProcess(
  command: string,
  args: readonly string[],
  isRow: (line: string) => boolean,
  options: { okCodes?: readonly number[]; keepStdout?: boolean } = {},
): Promise<ProcessTiming> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let firstMs = -1;
    let rows = 0;
    let rest = '';
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited
      }
    };
    const sampler = setInterval(sample, 20);
    child.stdout.on('data', (chunk: Buffer) => {
      sample();
      const text = rest + chunk.toString();
      if (options.keepStdout) stdout += chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!isRow(line)) continue;
        if (firstMs < 0) firstMs = ms();
        rows++;
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (rest && isRow(rest)) rows++;
      if (!(options.okCodes ?? [0]).includes(code ?? -1)) {
        fail(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      } else done({ firstMs, totalMs: ms(), rows, peakRssMb: peakKb / 1024, stdout });
    });
  });
}

/** The median of a sample (the upper one for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}
