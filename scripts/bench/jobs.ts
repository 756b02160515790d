/**
 * The jobs module the benchmarks load into durable-cron's worker pool (`jobs: [this module]`):
 * `bench-one`, one no-op step that records its start (fire lag), and `bench-three`, three no-op
 * steps (throughput).
 */
import { z } from 'zod';
import { defineJob } from '../../src';
import { recordActivityStart } from './lag-record';

/** One step that records when it started, for the fire lag benchmark. */
export const benchOne = defineJob({
  name: 'bench-one',
  description: 'Benchmark: one no-op step',
  input: z.object({}),
  steps: [{ name: 'first', run: () => Promise.resolve(recordActivityStart()) }],
});

/** Three no-op steps run in order, for the throughput benchmark. */
export const benchThree = defineJob({
  name: 'bench-three',
  description: 'Benchmark: three no-op steps',
  input: z.object({}),
  steps: [
    { name: 'first', run: () => Promise.resolve('a') },
    { name: 'second', run: () => Promise.resolve('b') },
    { name: 'third', run: () => Promise.resolve('c') },
  ],
});
