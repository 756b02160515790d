/**
 * A CPU profiler preloaded into worker processes for a bench run (`NODE_OPTIONS=--require <this
 * file>`, with DURABLE_CRON_CPU_PROBE_DIR set; Node 20 refuses `--cpu-prof` in NODE_OPTIONS):
 * never part of durable-cron itself, and inert without that variable. In a worker process (the
 * pool's child, the plain SDK worker, the BullMQ worker) every thread, the main one and the SDK's
 * workflow thread, samples itself from start for DURABLE_CRON_CPU_PROBE_SECONDS (default 40) and
 * writes `<dir>/<process>-<pid>-thread<id>.cpuprofile` (open it in Chrome DevTools, or sum it with
 * `node dist/scripts/cpu-summary.js`).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';

const WORKER_ENTRY = /(child|raw-worker|bullmq-worker)\.js$/;

const NAME_ENV = 'DURABLE_CRON_CPU_PROBE_PROCESS';

const dir = process.env.DURABLE_CRON_CPU_PROBE_DIR;
// A worker thread's argv is its own script's; it gets the process's name from the environment its
// main thread had when it created the thread.
const entry = process.argv.find((arg) => WORKER_ENTRY.test(arg));
if (isMainThread && entry) process.env[NAME_ENV] = basename(entry, '.js');
const name = process.env[NAME_ENV];
if (dir && name) {
  const seconds = Number(process.env.DURABLE_CRON_CPU_PROBE_SECONDS ?? '40');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => {
    // 0.5 ms between samples (the default is 1 ms).
    session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start'));
  });
  setTimeout(() => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const file = join(dir, `${name}-${process.pid}-thread${threadId}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  }, seconds * 1000).unref();
}
