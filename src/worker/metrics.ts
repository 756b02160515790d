/**
 * The pool's HTTP endpoint (`--metrics-port`): `GET /metrics` merges every process's Prometheus
 * metrics (Temporal runtime metrics plus durable-cron's run and step metrics) under a `process`
 * label and adds the supervisor's own; `GET /healthz` answers 200 while every process polls.
 */
import { createServer, type Server } from 'node:http';

/** What the endpoint needs from the supervisor. */
export interface MetricsSource {
  /** Every slot with its Prometheus port and whether its worker is polling. */
  processes(): {
    slot: number;
    pid: number | undefined;
    metricsPort?: number;
    polling: boolean;
    restarts: number;
  }[];
}

interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

/**
 * Merges Prometheus text expositions, adding `label="<key>"` to each sample and keeping each
 * metric family's samples together under one HELP/TYPE header.
 */
export function mergeExpositions(label: string, parts: { key: string; text: string }[]): string {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  for (const { key, text } of parts) {
    let current: string | undefined;
    for (const line of text.split('\n')) {
      const header = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (header) {
        const [, kind, name = '', rest = ''] = header;
        current = name;
        const f = family(name);
        if (kind === 'HELP') f.help ??= rest;
        else f.type ??= rest;
        continue;
      }
      if (line.trim() === '' || line.startsWith('#')) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(.*)$/.exec(line);
      if (!sample) continue;
      const [, name = '', , labels, value = ''] = sample;
      const owner = current !== undefined && name.startsWith(current) ? current : name;
      const extra = `${label}="${key.replace(/["\\\n]/g, '_')}"`;
      family(owner).samples.push(`${name}{${labels ? `${extra},${labels}` : extra}} ${value}`);
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (f.help !== undefined) out.push(`# HELP ${name} ${f.help}`);
    if (f.type !== undefined) out.push(`# TYPE ${name} ${f.type}`);
    out.push(...f.samples);
  }
  return `${out.join('\n')}\n`;
}

async function scrape(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : '';
  } catch {
    return ''; // a process that is restarting has no metrics for now
  }
}

/** Renders the supervisor's own metrics. */
function poolMetrics(source: MetricsSource): string {
  const processes = source.processes();
  const lines = [
    '# HELP durable_cron_pool_processes Worker processes the pool runs',
    '# TYPE durable_cron_pool_processes gauge',
    `durable_cron_pool_processes ${processes.length}`,
    '# HELP durable_cron_pool_processes_polling Worker processes currently polling',
    '# TYPE durable_cron_pool_processes_polling gauge',
    `durable_cron_pool_processes_polling ${processes.filter((p) => p.polling).length}`,
    '# HELP durable_cron_pool_restarts_total Restarts of crashed worker processes',
    '# TYPE durable_cron_pool_restarts_total counter',
    ...processes.map((p) => `durable_cron_pool_restarts_total{process="${p.slot}"} ${p.restarts}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Starts the endpoint on `port` (all interfaces unless `host` is given).
 * @returns the server, already listening
 */
export async function startMetricsServer(
  source: MetricsSource,
  port: number,
  host = '0.0.0.0',
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (path === '/healthz') {
      const processes = source.processes();
      const healthy = processes.length > 0 && processes.every((p) => p.polling);
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', processes }));
    } else if (path === '/metrics') {
      const processes = source.processes();
      void Promise.all(
        processes.map(async (p) => ({
          key: String(p.slot),
          text: p.metricsPort === undefined ? '' : await scrape(p.metricsPort),
        })),
      ).then((parts) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(poolMetrics(source) + mergeExpositions('process', parts));
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done());
  });
  return server;
}
