/**
 * Which bundle a command line starts from: client-only commands get theirs whatever global options
 * come first; every other command, and any option the scan does not know, runs the plain build.
 * Also that the build made every bundle, and that each one answers like the plain build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLED_COMMANDS, bundleFor } from '../../src/cli/dispatch';
import { CLI, cliEnv } from '../helpers/cli';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

describe('bundleFor', () => {
  it('picks the bundle of a client-only command', () => {
    assert.equal(bundleFor(['runs', 'list', '--count']), 'runs');
    assert.equal(bundleFor(['schedules', 'list']), 'schedules');
    assert.equal(bundleFor(['audit', 'nightly', '--from', '24h']), 'audit');
    assert.equal(bundleFor(['validate', '-f', 'jobs.yaml']), 'validate');
    assert.equal(bundleFor(['help', 'runs']), 'help');
  });

  it('skips global options and their values, in both spellings', () => {
    assert.equal(bundleFor(['--address', 'h:7233', '--namespace=prod', '--tls', 'runs', 'list']), 'runs');
    assert.equal(
      bundleFor(['--verbose', '--config', 'x.json', '--no-tls', 'schedules', 'list']),
      'schedules',
    );
  });

  it('runs the help bundle when no command is given', () => {
    assert.equal(bundleFor([]), 'help');
    assert.equal(bundleFor(['--help']), 'help');
    assert.equal(bundleFor(['-V']), 'help');
  });

  it('runs the plain build for other commands and for unknown options', () => {
    for (const args of [
      ['worker'],
      ['apply', '-f', 'jobs.yaml'],
      ['setup'],
      ['start'],
      ['init', 'x'],
      ['aply'],
      ['--unknown', 'runs', 'list'],
      ['--', 'runs'],
    ]) {
      assert.equal(bundleFor(args), undefined, args.join(' '));
    }
  });
});

describe('bundles', () => {
  it('are built for every client-only command', () => {
    for (const name of BUNDLED_COMMANDS) {
      assert.ok(existsSync(join(__dirname, '..', '..', 'src', 'cli', 'bundle', `${name}.js`)), name);
    }
  });

  it('answer like the plain build: help, version, and bad input', () => {
    for (const args of [
      ['--help'],
      ['-V'],
      ['runs', '--help'],
      ['schedules', 'list', '--help'],
      ['audit', 'x'],
      ['--address', '127.0.0.1:9', 'runs', 'list', '--limit', 'lots'],
      ['validate', '-f', join(__dirname, 'no-such-jobs.yaml')],
    ]) {
      const run = (entry: string) =>
        spawnSync(process.execPath, [entry, ...args], { env: cliEnv(), encoding: 'utf8' });
      const bundled = run(CLI);
      const plain = run(MAIN);
      assert.deepEqual(
        { code: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr },
        { code: plain.status, stdout: plain.stdout, stderr: plain.stderr },
        args.join(' '),
      );
    }
  });
});
