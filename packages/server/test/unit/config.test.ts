import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, resolveEncryptionKey } from '../../src/config.js';

test('defaults (SPEC §2)', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.publicUrl, 'http://localhost:3000');
  assert.deepEqual(c.database, { kind: 'sqlite', path: './data/liftoff.db' });
  assert.equal(c.runner, 'embedded');
  assert.equal(c.slack.apiUrl, 'https://slack.com/api/');
  assert.equal(c.slack.authorizeUrl, 'https://slack.com/oauth/v2/authorize');
  assert.equal(c.slack.command, '/liftoff');
  assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  assert.equal(c.trustProxy, false);
  assert.deepEqual(loadConfig({ LIFTOFF_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy, [
    '10.0.0.0/8',
    '127.0.0.1',
  ]);
});

test('a bad value stops start-up naming the variable, without echoing secrets', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LIFTOFF_RUNNER: 'sometimes' }, 'LIFTOFF_RUNNER'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ LIFTOFF_ENCRYPTION_KEY: 'tooshort-secret-value' }, 'LIFTOFF_ENCRYPTION_KEY'],
    [{ DATABASE_URL: 'postgres://db/liftoff' }, 'LIFTOFF_ENCRYPTION_KEY'],
    [{ LIFTOFF_ADMIN_TOKEN: 'short' }, 'LIFTOFF_ADMIN_TOKEN'],
    [{ SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL'],
    [{ LIFTOFF_TRUST_PROXY: 'everyone!' }, 'LIFTOFF_TRUST_PROXY'],
    [{ LIFTOFF_RUNNER_CONCURRENCY: '0' }, 'LIFTOFF_RUNNER_CONCURRENCY'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.variable, variable);
        assert.ok(err.message.startsWith(`${variable}:`), err.message);
        for (const value of Object.values(env))
          if (value.length > 6) assert.ok(!err.message.includes(value), err.message);
        return true;
      },
    );
  }
});

test('encryption key: base64 or hex; generated next to the SQLite file with mode 0600', () => {
  assert.equal(loadConfig({ LIFTOFF_ENCRYPTION_KEY: 'ab'.repeat(32) }).encryptionKey?.length, 32);
  assert.equal(
    loadConfig({ LIFTOFF_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).encryptionKey?.length,
    32,
  );
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-config-'));
  try {
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'data', 'db.sqlite')}` });
    const key = resolveEncryptionKey(config);
    assert.equal(key.length, 32);
    const file = join(dir, 'data', 'encryption.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(resolveEncryptionKey(config), key, 'stable across restarts');
    assert.ok(readFileSync(file, 'utf8').trim().length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
