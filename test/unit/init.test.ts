/** `durable-cron init`'s checks and file writing, in temporary folders. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../src/errors';
import { packageName, scaffoldProject } from '../../src/init/scaffold';

const temp = mkdtempSync(join(tmpdir(), 'durable-cron-init-'));
after(() => rmSync(temp, { recursive: true, force: true }));

describe('init', () => {
  it('creates every file in a new folder, with versions from our package.json', () => {
    const result = scaffoldProject({ dir: 'fresh', cwd: temp });
    assert.equal(result.dir, join(temp, 'fresh'));
    assert.deepEqual(result.kept, []);
    assert.deepEqual(result.created, [
      'package.json',
      'tsconfig.json',
      'durable-cron.config.json',
      'jobs.yaml',
      'jobs/hello.ts',
      'test/hello.test.ts',
      '.gitignore',
      'README.md',
    ]);
    const own = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const pkg = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8')) as {
      name: string;
      private: boolean;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.name, 'fresh');
    assert.equal(pkg.private, true);
    assert.deepEqual(pkg.dependencies, { 'durable-cron': `^${own.version}`, zod: '^4.6.7' });
    assert.equal(pkg.scripts.start, 'durable-cron start');
    assert.match(readFileSync(join(result.dir, 'jobs.yaml'), 'utf8'), /^project: fresh /m);
    assert.deepEqual(JSON.parse(readFileSync(join(result.dir, 'durable-cron.config.json'), 'utf8')), {
      jobs: 'jobs',
      file: 'jobs.yaml',
    });
  });

  it('refuses a folder with files, unless forced; then keeps every existing file', () => {
    const dir = join(temp, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'jobs.yaml'), 'mine\n');
    assert.throws(
      () => scaffoldProject({ dir }),
      (err: unknown) => err instanceof UsageError && /is not empty \(jobs\.yaml\).*--force/.test(err.message),
    );
    const result = scaffoldProject({ dir, force: true });
    assert.deepEqual(result.kept, ['jobs.yaml']);
    assert.equal(result.created.length, 7);
    assert.equal(readFileSync(join(dir, 'jobs.yaml'), 'utf8'), 'mine\n');
  });

  it('takes a folder that only has .git', () => {
    const dir = join(temp, 'repo');
    mkdirSync(join(dir, '.git'), { recursive: true });
    assert.equal(scaffoldProject({ dir }).created.length, 8);
  });

  it('refuses a file as the folder, and a path spec that does not exist, before writing anything', () => {
    writeFileSync(join(temp, 'a-file'), '');
    assert.throws(() => scaffoldProject({ dir: join(temp, 'a-file') }), /is a file/);
    assert.throws(
      () => scaffoldProject({ dir: join(temp, 'never'), durableCron: './missing.tgz', cwd: temp }),
      /--durable-cron \.\/missing\.tgz: no such file or folder/,
    );
    assert.throws(() => scaffoldProject({ dir: join(temp, 'never'), durableCron: ' ' }), /must not be empty/);
    assert.throws(() => readFileSync(join(temp, 'never', 'package.json')), /ENOENT/);
  });

  it('makes path specs absolute file: specs, and passes ranges as they are', () => {
    writeFileSync(join(temp, 'durable-cron-9.9.9.tgz'), '');
    const fromPath = scaffoldProject({ dir: 'p1', cwd: temp, durableCron: './durable-cron-9.9.9.tgz' });
    assert.equal(fromPath.durableCron, `file:${join(temp, 'durable-cron-9.9.9.tgz')}`);
    const fromFile = scaffoldProject({ dir: 'p2', cwd: temp, durableCron: 'file:durable-cron-9.9.9.tgz' });
    assert.equal(fromFile.durableCron, `file:${join(temp, 'durable-cron-9.9.9.tgz')}`);
    assert.equal(scaffoldProject({ dir: 'p3', cwd: temp, durableCron: '~0.1.0' }).durableCron, '~0.1.0');
  });

  it('names the package after the folder', () => {
    assert.equal(packageName('/x/My Jobs!'), 'my-jobs');
    assert.equal(packageName('/x/.hidden_'), 'hidden');
    assert.equal(packageName('/x/durable-cron'), 'durable-cron-jobs');
    assert.equal(packageName('/x/!!!'), 'durable-cron-jobs');
  });
});
