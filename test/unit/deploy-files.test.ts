/**
 * The deployment files, checked without a Docker engine: docker-compose.yml (service graph, pinned
 * images, health checks, the worker pool's replicas, health check, drain time and flags, secrets
 * only in env files), the env example files against the variables the config module reads, and the
 * worker Dockerfile (stages, production install, non-root user, prebuilt bundle, entry point).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program';
import { REMOTE_DEPLOYMENT_ENV_VARS, isConfigEnvVar } from '../../src/config';
import { parseDuration } from '../../src/duration';
import { DRAIN_MARGIN_MS } from '../../src/worker/pool';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  stop_grace_period?: string;
  deploy?: { replicas?: number };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service '${name}'`);
  return found;
};
/** The services of the durable-cron image: the worker pool and its setup job. */
const DURABLE_CRON_SERVICES = ['setup', 'worker'] as const;

const isOneShot = (s: Service) => s.restart === 'no';
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;
const dependencies = (s: Service): [string, string | undefined][] => {
  assert.ok(!Array.isArray(s.depends_on), 'depends_on must name a condition for each service');
  return Object.entries(s.depends_on ?? {}).map(([name, dep]) => [name, dep.condition]);
};

/** `KEY=value` lines of an env file; with `commented`, also documented `#KEY=value` lines. */
function envFile(path: string, commented = false): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of read(path).split('\n')) {
    const match = (commented ? /^#?([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/).exec(line.trim());
    if (match?.[1] !== undefined) vars.set(match[1], match[2] ?? '');
  }
  return vars;
}

/** The example of each env file a service reads (the real files are the operator's). */
const exampleOf = (envFilePath: string) => `${envFilePath}.example`;

/** The value of `--flag` in an argument list. */
function flagValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

/** The health check's command as one string. */
const healthTest = (s: Service) => list(s.healthcheck?.test).join(' ');

describe('docker-compose.yml: the service graph', () => {
  it('names only services that exist, each with a condition of the right kind', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [target, condition] of dependencies(s)) {
        const dep = services[target];
        assert.ok(dep, `${name} depends on '${target}', which is not a service`);
        const expected = isOneShot(dep) ? 'service_completed_successfully' : 'service_healthy';
        assert.equal(condition, expected, `${name} → ${target}: condition should be ${expected}`);
        if (expected === 'service_healthy') assert.ok(dep.healthcheck?.test, `${target} has no health check`);
      }
    }
  });

  it('orders the start-up: database, roles, schema, server, namespace, setup, workers', () => {
    const edge = (from: string, to: string, condition: string) =>
      assert.equal(
        dependencies(service(from)).find(([t]) => t === to)?.[1],
        condition,
        `${from} should wait for ${to} (${condition})`,
      );
    edge('postgres-roles', 'postgresql', 'service_healthy');
    edge('temporal-schema', 'postgres-roles', 'service_completed_successfully');
    edge('temporal', 'temporal-schema', 'service_completed_successfully');
    edge('temporal-namespace', 'temporal', 'service_healthy');
    edge('setup', 'temporal-namespace', 'service_completed_successfully');
    edge('setup', 'postgres-roles', 'service_completed_successfully');
    edge('worker', 'setup', 'service_completed_successfully');
  });

  it('has no cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      assert.notEqual(state.get(name), 'visiting', `cycle: ${[...path, name].join(' → ')}`);
      state.set(name, 'visiting');
      for (const [target] of dependencies(service(name))) visit(target, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of Object.keys(services)) visit(name, []);
  });

  it('leaves every $ to the containers: compose interpolates none from the host', () => {
    const unescaped = read('docker-compose.yml')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#') && line.replaceAll('$$', '').includes('$'));
    assert.deepEqual(unescaped, []);
  });

  it('restarts long-running services and gives each a health check', () => {
    for (const [name, s] of Object.entries(services)) {
      if (isOneShot(s)) continue;
      assert.equal(s.restart, 'unless-stopped', `${name}: restart policy`);
      assert.ok(s.healthcheck?.test && !s.healthcheck.disable, `${name} has no health check`);
    }
  });
});

describe('docker-compose.yml: images', () => {
  it('pins every image to a version (no latest, no bare name)', () => {
    for (const [name, s] of Object.entries(services)) {
      assert.ok(s.image, `${name} has no image`);
      const tag = /^[^:]+:(.+)$/.exec(s.image)?.[1];
      assert.ok(tag, `${name}: image ${s.image} has no tag`);
      assert.notEqual(tag, 'latest', `${name}: image ${s.image}`);
      assert.match(tag, /^\d+\.\d+(\.\d+)?([-.][\w.-]+)?$/, `${name}: ${s.image} is not pinned to a version`);
    }
  });

  it('runs Temporal 1.29.1 with admin tools of the same version and the UI the CLI embeds', () => {
    assert.equal(service('temporal').image, 'temporalio/server:1.29.1');
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      assert.match(service(job).image ?? '', /^temporalio\/admin-tools:1\.29\.1-/);
    }
    assert.equal(service('temporal-ui').image, 'temporalio/ui:2.42.1');
    assert.ok(
      !Object.values(services).some((s) => s.image?.includes('auto-setup')),
      'auto-setup is for development',
    );
  });

  it('sets up the schema with temporal-sql-tool for persistence and visibility (postgres12)', () => {
    const schema = service('temporal-schema');
    assert.equal(schema.environment?.SQL_PLUGIN, 'postgres12');
    // Compose turns `$$` into the `$` the container's shell sees.
    const script = list(schema.command).join('\n').replaceAll('$$', '$');
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema']) {
      assert.ok(script.includes(`temporal-sql-tool --db "$name" ${step}`), `schema job lacks ${step}`);
    }
    assert.match(script, /temporal:temporal temporal_visibility:visibility/);
    assert.match(script, /postgresql\/v12\//);
    assert.equal(service('temporal').environment?.DB, 'postgres12');
  });

  it('builds the durable-cron services from the Dockerfile', () => {
    for (const name of DURABLE_CRON_SERVICES) {
      assert.ok(service(name).build, `${name} is not built from the Dockerfile`);
      assert.equal(service(name).image, service('worker').image);
    }
  });
});

describe('docker-compose.yml: the worker pool', () => {
  const worker = service('worker');
  const args = list(worker.command);

  it('runs three replicas', () => {
    assert.equal(worker.deploy?.replicas, 3);
  });

  it('checks /healthz on the port the worker serves metrics on', () => {
    const port = flagValue(args, '--metrics-port');
    assert.ok(port, 'the worker is not given --metrics-port');
    assert.ok(healthTest(worker).includes(`127.0.0.1:${port}/healthz`), healthTest(worker));
  });

  it('lets the pool drain before Docker kills it', () => {
    const grace = parseDuration(flagValue(args, '--grace') ?? '30s');
    const stop = parseDuration(worker.stop_grace_period ?? '10s');
    assert.ok(grace !== undefined && stop !== undefined);
    assert.ok(
      stop >= grace + DRAIN_MARGIN_MS,
      `stop_grace_period ${worker.stop_grace_period} < --grace + ${DRAIN_MARGIN_MS / 1000}s`,
    );
  });

  it('passes only flags the CLI has', () => {
    for (const name of DURABLE_CRON_SERVICES) {
      const [command, ...rest] = list(service(name).command);
      const cmd = buildProgram({ out: () => {}, err: () => {} }).commands.find((c) => c.name() === command);
      assert.ok(cmd, `${name}: no command '${command}'`);
      const known = new Set(cmd.options.map((o) => o.long));
      for (const flag of rest.filter((a) => a.startsWith('--'))) {
        assert.ok(known.has(flag), `${name}: '${command}' has no ${flag}`);
      }
    }
  });
});

describe('secrets and environment', () => {
  const secretName = /PASSWORD|PWD|SECRET|TOKEN|KEY/;

  it('keeps no secret inline: secrets come from env files whose examples exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        assert.doesNotMatch(key, secretName, `${name}: ${key} is set inline; put it in an env file`);
        assert.doesNotMatch(
          String(value),
          /:\/\/[^/@\s]+:[^/@\s]+@/,
          `${name}: ${key} has a password inline`,
        );
      }
      for (const file of list(s.env_file)) {
        assert.ok(existsSync(join(ROOT, exampleOf(file))), `${name}: ${exampleOf(file)} is missing`);
      }
    }
    for (const name of ['postgresql', 'postgres-roles', 'temporal-schema', 'temporal', 'setup', 'worker']) {
      assert.ok(list(service(name).env_file).length > 0, `${name} takes no env file`);
    }
    assert.match(read('.gitignore'), /^deploy\/\*\.env$/m);
    assert.match(read('.dockerignore'), /^deploy\/\*\.env$/m);
  });

  it('sets, for the worker and setup, only variables the config module reads, and all a deployment needs', () => {
    for (const name of DURABLE_CRON_SERVICES) {
      const s = service(name);
      const set = new Set(Object.keys(s.environment ?? {}));
      for (const file of list(s.env_file)) {
        const documented = envFile(exampleOf(file), true);
        for (const key of documented.keys()) {
          assert.ok(isConfigEnvVar(key), `${exampleOf(file)}: ${key} is not read by src/config.ts`);
        }
        for (const key of envFile(exampleOf(file)).keys()) set.add(key);
      }
      for (const key of set) assert.ok(isConfigEnvVar(key), `${name}: ${key} is not read by src/config.ts`);
      for (const key of REMOTE_DEPLOYMENT_ENV_VARS) assert.ok(set.has(key), `${name} does not set ${key}`);
    }
  });

  it('gives each role the same password everywhere the examples name it', () => {
    const postgres = envFile('deploy/postgres.env.example');
    const temporal = envFile('deploy/temporal.env.example');
    const worker = envFile('deploy/worker.env.example');
    assert.equal(temporal.get('POSTGRES_PWD'), postgres.get('TEMPORAL_DB_PASSWORD'));
    const url = new URL(worker.get('DATABASE_URL') ?? '');
    assert.equal(url.password, postgres.get('JOBS_DB_PASSWORD'));
    assert.equal(url.username, 'durable_cron');
    assert.equal(url.pathname, '/durable_cron');
    assert.equal(service('temporal').environment?.POSTGRES_USER, 'temporal');
    for (const [key, value] of [...postgres, ...temporal]) {
      if (secretName.test(key)) assert.match(value, /^change-me-/, `${key} is not a placeholder`);
    }
  });

  it('gives the roles script every variable it requires', () => {
    const roles = service('postgres-roles');
    const given = new Set([
      ...Object.keys(roles.environment ?? {}),
      ...list(roles.env_file).flatMap((f) => [...envFile(exampleOf(f)).keys()]),
    ]);
    const required = [...read('deploy/postgres/roles.sh').matchAll(/\$\{([A-Z_]+):\?/g)].map(
      (m) => m[1] ?? '',
    );
    assert.ok(required.length >= 4);
    for (const key of required) assert.ok(given.has(key), `postgres-roles lacks ${key}`);
  });
});

describe('Dockerfile', () => {
  /** Instructions, continuation lines joined, comments dropped, grouped by stage. */
  const stages: { from: string; name?: string; lines: string[] }[] = [];
  const args = new Map<string, string>();
  for (const line of read('Dockerfile')
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ from: from[1] ?? '', name: from[2], lines: [] });
    else if (stages.length === 0 && /^ARG\s+(\w+)=(\S+)$/.test(line)) {
      const [, key = '', value = ''] = /^ARG\s+(\w+)=(\S+)$/.exec(line) ?? [];
      args.set(key, value);
    } else stages.at(-1)?.lines.push(line);
  }
  const final = stages.at(-1);
  const instruction = (stage: typeof final, word: string) =>
    (stage?.lines ?? []).filter((l) => l.toUpperCase().startsWith(`${word} `));
  const image = (from: string) => from.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? '');

  it('is multi-stage, on a pinned base image', () => {
    assert.ok(stages.length >= 2, 'one stage only');
    for (const stage of stages) assert.match(image(stage.from), /^node:\d+\.\d+\.\d+-[\w-]+$/, stage.from);
  });

  it('installs production dependencies only in the final stage, and runs as a non-root user', () => {
    assert.ok(instruction(final, 'RUN').some((l) => /\bnpm ci --omit=dev\b/.test(l)));
    assert.ok(!instruction(final, 'RUN').some((l) => /\bnpm (ci|install)\b(?!.*--omit=dev)/.test(l)));
    const user = instruction(final, 'USER').at(-1)?.split(/\s+/)[1];
    assert.ok(user && user !== 'root' && user !== '0', `final USER is ${user ?? 'unset (root)'}`);
    assert.ok(instruction(final, 'ENV').includes('ENV NODE_ENV=production'));
  });

  it('builds the workflow bundle in the image and points the worker at it', () => {
    const build = stages.find((s) => s.name !== undefined && s !== final);
    const bundleRun = instruction(build, 'RUN').find((l) => /\bbundle --out\s+\S+/.test(l));
    assert.ok(bundleRun, 'no `durable-cron bundle --out` in the build stage');
    const built = /bundle --out\s+(\S+)/.exec(bundleRun)?.[1] ?? '';
    const copy = instruction(final, 'COPY').find((l) => l.includes(`--from=${build?.name} ${built} `));
    assert.ok(copy, `the final stage does not copy ${built}`);
    const workdir = instruction(final, 'WORKDIR').at(-1)?.split(/\s+/)[1] ?? '/';
    const target = posix.resolve(workdir, copy.split(/\s+/).at(-1) ?? '');
    const env = instruction(final, 'ENV').map((l) => /^ENV\s+(\w+)=(\S+)$/i.exec(l));
    const bundleEnv = env.find((m) => m?.[1] === 'DURABLE_CRON_WORKFLOW_BUNDLE');
    assert.ok(bundleEnv, 'DURABLE_CRON_WORKFLOW_BUNDLE is not set');
    assert.equal(posix.resolve(workdir, bundleEnv[2] ?? ''), target);
    for (const m of env) {
      if (m?.[1] !== undefined && m[1] !== 'NODE_ENV')
        assert.ok(isConfigEnvVar(m[1]), `ENV ${m[1]} is not read by src/config.ts`);
    }
  });

  it('enters the CLI, runs the worker by default, and checks its /healthz', () => {
    assert.deepEqual(instruction(final, 'ENTRYPOINT'), ['ENTRYPOINT ["node", "dist/src/cli/main.js"]']);
    assert.ok(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')));
    const cmd = JSON.parse(instruction(final, 'CMD').at(-1)?.slice(4) ?? '[]') as string[];
    assert.equal(cmd[0], 'worker');
    const port = flagValue(cmd, '--metrics-port');
    assert.ok(port, 'the default command serves no metrics port');
    const health = instruction(final, 'HEALTHCHECK').at(-1) ?? '';
    assert.ok(health.includes(`127.0.0.1:${port}/healthz`), health);
    assert.ok(instruction(final, 'EXPOSE').includes(`EXPOSE ${port}`));
  });
});
