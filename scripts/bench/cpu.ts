/** CPU time of processes, from /proc: where a benchmark's time goes (server, workers, client). */
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) process `pid` has used so far; 0 when it is gone or unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime is field 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds the processes `pids` have used so far, together. */
export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}
