/**
 * The parts of `durable-cron cluster` that need no server: obtaining the server binaries and
 * schema files (built with Go once, then cached), PostgreSQL URLs (password never shown), and the
 * node configuration (ports, PostgreSQL stores, mutual TLS).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkClusterName } from '../../src/cluster/cluster';
import { clusterDatabases, parsePostgresUrl } from '../../src/cluster/databases';
import { nodeConfigYaml, nodePorts } from '../../src/cluster/node-config';
import { findOrBuildServerBinaries, serverCacheDir } from '../../src/cluster/server-binaries';
import { clusterTlsFiles } from '../../src/cluster/tls';
import { UsageError } from '../../src/errors';
import { runCli } from '../helpers/cli';

interface Rpc {
  rpc: Record<string, unknown>;
}
interface Sql {
  sql: { databaseName: string; pluginName: string };
}
interface ServerTls {
  requireClientAuth: boolean;
  clientCaFiles: string[];
}
/** The parts of a node's config the test reads. */
interface NodeYaml {
  services: Record<'frontend' | 'worker', Rpc>;
  persistence: { datastores: Record<'postgres-default' | 'postgres-visibility', Sql> };
  global: {
    tls: {
      frontend: { server: ServerTls };
      internode: { server: ServerTls; client: { serverName: string } };
      systemWorker: { certFile: string; keyFile: string; client: { rootCaFiles: string[] } };
    };
  };
}

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

describe('cluster server binaries', () => {
  it('builds server and SQL tool with Go once, copies the schema files, then uses the cache', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dc-cluster-'));
    const bin = join(root, 'bin');
    const modCache = join(root, 'mod');
    mkdirSync(bin);
    for (const schema of ['temporal', 'visibility']) {
      const dir = join(modCache, 'go.temporal.io', 'server@v1.29.1', 'schema', 'postgresql', 'v12', schema);
      mkdirSync(join(dir, 'versioned', 'v1.0'), { recursive: true });
      writeFileSync(join(dir, 'versioned', 'v1.0', 'schema.sql'), '-- schema');
    }
    const env = { PATH: `${bin}:/bin:/usr/bin`, XDG_CACHE_HOME: join(root, 'cache'), HOME: root };
    script(
      join(bin, 'go'),
      `if [ "$1" = env ] && [ "$2" = GOMODCACHE ]; then echo ${modCache}; exit 0; fi\n` +
        'if [ "$1" = env ]; then echo go1.26.0; exit 0; fi\n' +
        'echo "$@" > "$GOBIN/args"\n' +
        'for b in server sql; do printf "#!/bin/sh\\necho $b\\n" > "$GOBIN/$b"; chmod +x "$GOBIN/$b"; done',
    );
    const logged: string[] = [];
    const built = await findOrBuildServerBinaries({ env, log: (l) => logged.push(l) });
    assert.equal(built.source, 'built');
    assert.equal(built.server, join(serverCacheDir(env), 'temporal-server'));
    assert.equal(built.sqlTool, join(serverCacheDir(env), 'temporal-sql-tool'));
    assert.ok(existsSync(join(built.postgresSchemaDir, 'visibility', 'versioned', 'v1.0', 'schema.sql')));
    assert.match(logged.join('\n'), /one-time build/);
    assert.deepEqual(readdirSync(serverCacheDir(env)).sort(), [
      'schema',
      'temporal-server',
      'temporal-sql-tool',
    ]);

    // No Go needed any more.
    script(join(bin, 'go'), 'exit 1');
    const cached = await findOrBuildServerBinaries({ env });
    assert.deepEqual(cached, { ...built, source: 'cache' });
    await assert.rejects(
      findOrBuildServerBinaries({ env: { ...env, XDG_CACHE_HOME: join(root, 'empty') }, build: false }),
      /Temporal server 1\.29\.1 not found/,
    );
  });
});

describe('cluster settings', () => {
  it('parses PostgreSQL URLs and never shows the password', () => {
    const target = parsePostgresUrl('postgres://admin:s%3Dcret@db.local:6543/admin');
    assert.deepEqual(
      [target.host, target.port, target.user, target.password, target.database],
      ['db.local', 6543, 'admin', 's=cret', 'admin'],
    );
    assert.equal(target.redacted.includes('cret'), false);
    assert.match(target.redacted, /admin:\*\*\*@db\.local:6543/);
    assert.equal(parsePostgresUrl('postgres://127.0.0.1').user, 'postgres');
    assert.throws(
      () => parsePostgresUrl('mysql://x'),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.message, '--postgres-url must start with postgres:// or postgresql://');
        return true;
      },
    );
    assert.throws(() => parsePostgresUrl('nope'), /--postgres-url must be a URL like postgres:\/\//);
  });

  it('names databases after the cluster and checks the name', () => {
    assert.deepEqual(clusterDatabases('ci-1'), {
      persistence: 'temporal_ci_1',
      visibility: 'temporal_ci_1_visibility',
    });
    assert.equal(checkClusterName('local'), 'local');
    assert.throws(() => checkClusterName('Bad Name'), /--name 'Bad Name' must be 1-40 lower-case letters/);
  });

  it('configures a node: own ports, PostgreSQL stores, mutual TLS between nodes, clients and system worker', () => {
    const ports = nodePorts([7233, 7234, 7235, 7236, 7237, 7238, 7239, 7240, 7241]);
    const tls = clusterTlsFiles('/state');
    const config = parse(
      nodeConfigYaml({
        ports,
        clusterAddress: '127.0.0.1:7233',
        postgres: parsePostgresUrl('postgres://postgres:pw@127.0.0.1:5432/postgres'),
        databases: clusterDatabases('x'),
        numHistoryShards: 4,
        dynamicConfigFile: '/state/dynamicconfig.yaml',
        tls,
      }),
    ) as NodeYaml;
    assert.deepEqual(config.services.frontend.rpc, {
      grpcPort: 7233,
      membershipPort: 7234,
      bindOnIP: '127.0.0.1',
      httpPort: 7235,
    });
    assert.deepEqual(config.services.worker.rpc, {
      grpcPort: 7240,
      membershipPort: 7241,
      bindOnIP: '127.0.0.1',
    });
    const stores = config.persistence.datastores;
    assert.equal(stores['postgres-default'].sql.databaseName, 'temporal_x');
    assert.equal(stores['postgres-visibility'].sql.databaseName, 'temporal_x_visibility');
    assert.equal(stores['postgres-visibility'].sql.pluginName, 'postgres12');
    const t = config.global.tls;
    assert.equal(t.frontend.server.requireClientAuth, true);
    assert.deepEqual(t.frontend.server.clientCaFiles, ['/state/tls/ca.pem']);
    assert.equal(t.internode.server.requireClientAuth, true);
    assert.equal(t.internode.client.serverName, 'localhost');
    assert.deepEqual(
      [t.systemWorker.certFile, t.systemWorker.keyFile, t.systemWorker.client.rootCaFiles[0]],
      ['/state/tls/client.pem', '/state/tls/client-key.pem', '/state/tls/ca.pem'],
    );
  });

  it('rejects bad flags and env with one line naming them, before touching anything', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [
        ['--name', 'Bad'],
        {},
        "error: --name 'Bad' must be 1-40 lower-case letters, digits, '_' or '-', starting with a letter or digit",
      ],
      [['--port', '0'], {}, "error: --port '0' must be a port number 1-65535"],
      [['--retention', 'x'], {}, "error: --retention 'x' must be a whole number of hours ≥ 1"],
      [
        ['--postgres-url', 'mysql://x'],
        {},
        'error: --postgres-url must start with postgres:// or postgresql://',
      ],
      [['--drop-databases'], {}, 'error: --drop-databases only goes with --stop'],
      [
        ['--status'],
        { DURABLE_CRON_CLUSTER_POSTGRES_URL: 'nope' },
        'error: DURABLE_CRON_CLUSTER_POSTGRES_URL must be a URL like postgres://postgres@127.0.0.1:5432/postgres',
      ],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(['cluster', ...args], env);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr.trim(), message);
      assert.equal(result.stdout, '');
    }
  });
});
