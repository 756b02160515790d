/**
 * One process of the BullMQ baseline: a Worker on the queue given as JSON in argv[2]
 * (`{ redisUrl, queue, concurrency }`) running 3 chained no-op steps per run: step n's processor
 * adds step n+1 before it completes. Says `ready` over IPC; closes on SIGTERM.
 */
import { Queue, Worker, type Job } from 'bullmq';

/** The data of one step job. */
export interface StepData {
  readonly run: number;
  readonly step: number;
}

/** Steps per run. */
export const STEPS = 3;

function connectionOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379) };
}

async function main(): Promise<void> {
  const { redisUrl, queue, concurrency } = JSON.parse(process.argv[2] ?? '{}') as {
    redisUrl: string;
    queue: string;
    concurrency: number;
  };
  const connection = connectionOf(redisUrl);
  const next = new Queue<StepData>(queue, { connection });
  const worker = new Worker<StepData>(
    queue,
    async (job: Job<StepData>) => {
      if (job.data.step < STEPS) await next.add('step', { ...job.data, step: job.data.step + 1 });
      return job.data.step;
    },
    { connection, concurrency },
  );
  await worker.waitUntilReady();
  process.once('SIGTERM', () => {
    void worker
      .close()
      .then(() => next.close())
      .then(() => process.exit(0));
  });
  process.send?.('ready');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
