/** The machine and the versions a bench report records. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import type { Client } from '@temporalio/client';
import { Redis } from 'ioredis';

/** Cores, CPU model, memory and OS. */
export function machine(): Record<string, string | number> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${platform()} ${release()}`,
  };
}

function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Versions of Node, the Temporal CLI and server, the SDK, BullMQ and (when reachable) Redis. */
export async function versions(
  client: Client,
  temporalCli: string,
  redisUrl: string | undefined,
): Promise<Record<string, string>> {
  const cli = execFileSync(temporalCli, ['--version'], { encoding: 'utf8' }).trim();
  const info = await client.workflowService.getSystemInfo({});
  const result: Record<string, string> = {
    node: process.version,
    'temporal CLI': cli,
    'temporal server': info.serverVersion ?? 'unknown',
    'temporal SDK': packageVersion('@temporalio/worker'),
    bullmq: packageVersion('bullmq'),
  };
  if (redisUrl !== undefined) {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const text = await redis.info('server');
      result['redis server'] = /redis_version:(\S+)/.exec(text)?.[1] ?? 'unknown';
    } catch (err) {
      throw new Error(`Redis at ${redisUrl} (--redis) does not answer: ${String(err)}`);
    } finally {
      redis.disconnect();
    }
  }
  return result;
}
