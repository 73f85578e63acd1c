// API keys and the policies applying to a stack are cached in process (src/storage/access-changes.ts). A change
// must be enforced by the very next request on the instance that made it, and by other instances on one
// PostgreSQL within a bounded time; a revoked key or write permission must not linger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { backendSchema, createPgSchema, type PgSchema } from '../helpers/postgres.js';
import { startServer, stackBody, waitFor, type TestServer } from '../helpers/server.js';

const WRITE = 'package spacelift\nwrite if { input.session.teams[_] == "Engineering" }';
const READ = 'package spacelift\nread if { input.session.teams[_] == "Engineering" }';

async function key(s: TestServer, name: string) {
  const res = await s.api<{ id: string; secret: string }>('POST', '/api/v1/api-keys', {
    name,
    teams: ['Engineering'],
  });
  assert.equal(res.status, 201);
  return res.body;
}

async function policy(s: TestServer, id: string, body: string, labels: string[] = []) {
  const res = await s.api('POST', '/api/v1/policies', { id, type: 'ACCESS', body, labels });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

const read = async (s: TestServer, stack: string, secret: string) =>
  (await s.api('GET', `/api/v1/stacks/${stack}`, undefined, secret)).status;
const trigger = async (s: TestServer, stack: string, secret: string) =>
  (await s.api('POST', `/api/v1/stacks/${stack}/runs`, undefined, secret)).status;

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`access caches: the next request sees a change (${backend})`, () => {
    let s: TestServer;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));
    let dev: { id: string; secret: string };

    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      // No runner: triggered runs stay queued, which is all a write check needs.
      s = await startServer({ ...(pg ? { databaseUrl: pg.url } : {}), runner: false });
      dev = await key(s, 'dev');
      await policy(s, 'write-eng', WRITE);
      await policy(s, 'read-eng', READ);
    });
    after(async () => {
      await s?.close();
      await pg?.drop();
    });

    it('attach, detach, edit: each enforced by the next request', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('a'));
      assert.equal(await read(s, 'a', dev.secret), 404); // cached: no policy applies
      await s.api('PUT', '/api/v1/stacks/a/policies/write-eng');
      assert.equal(await trigger(s, 'a', dev.secret), 201);
      // Editing the policy down to read revokes write at once.
      await s.api('PATCH', '/api/v1/policies/write-eng', { body: READ });
      assert.equal(await trigger(s, 'a', dev.secret), 403);
      assert.equal(await read(s, 'a', dev.secret), 200);
      await s.api('PATCH', '/api/v1/policies/write-eng', { body: WRITE });
      assert.equal(await trigger(s, 'a', dev.secret), 201);
      await s.api('DELETE', '/api/v1/stacks/a/policies/write-eng');
      assert.equal(await read(s, 'a', dev.secret), 404);
    });

    it('stack labels and autoattach: added and removed labels apply to the next request', async () => {
      await policy(s, 'auto-write', WRITE, ['autoattach:team-eng']);
      await s.api('POST', '/api/v1/stacks', stackBody('b'));
      assert.equal(await read(s, 'b', dev.secret), 404);
      await s.api('PATCH', '/api/v1/stacks/b', { labels: ['team-eng'] });
      assert.equal(await trigger(s, 'b', dev.secret), 201);
      await s.api('PATCH', '/api/v1/stacks/b', { labels: [] });
      assert.equal(await read(s, 'b', dev.secret), 404);
      // A new autoattach policy and its removal.
      await policy(s, 'auto-read', READ, ['autoattach:*']);
      assert.equal(await read(s, 'b', dev.secret), 200);
      await s.api('DELETE', '/api/v1/policies/auto-read');
      assert.equal(await read(s, 'b', dev.secret), 404);
    });

    it('a deleted and re-created stack does not inherit the old attachments', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('c'));
      await s.api('PUT', '/api/v1/stacks/c/policies/write-eng');
      assert.equal(await read(s, 'c', dev.secret), 200);
      assert.equal((await s.api('DELETE', '/api/v1/stacks/c')).status, 204);
      await s.api('POST', '/api/v1/stacks', stackBody('c'));
      assert.equal(await read(s, 'c', dev.secret), 404);
    });

    it('a revoked API key is rejected by the next request', async () => {
      const k = await key(s, 'short-lived');
      assert.equal((await s.api('GET', '/api/v1/stacks', undefined, k.secret)).status, 200);
      assert.equal((await s.api('DELETE', `/api/v1/api-keys/${k.id}`)).status, 204);
      assert.equal((await s.api('GET', '/api/v1/stacks', undefined, k.secret)).status, 401);
    });

    it('a change made behind the service (plain SQL) is enforced once the cache entry expires', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('d'));
      await s.api('PUT', '/api/v1/stacks/d/policies/write-eng');
      assert.equal(await trigger(s, 'd', dev.secret), 201);
      await sql`delete from stack_policies where stack_id = 'd'`.execute(s.liftoff.storage.db);
      // Bounded by the time-to-live (1 s), not by a notification.
      await waitFor(async () => (await trigger(s, 'd', dev.secret)) === 404, 'write revoked by plain SQL');
    });
  });

describe('access caches: two instances on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  let pg: PgSchema | undefined;
  let skip: string | undefined;
  const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));

  before(async () => {
    const created = await createPgSchema();
    if ('skip' in created) {
      skip = created.skip;
      return;
    }
    pg = created;
    // A time-to-live far beyond the waits below: what reaches B is the notification.
    const options = { databaseUrl: pg.url, runner: false, accessCacheTtlMs: 600_000 };
    a = await startServer(options);
    b = await startServer(options);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await pg?.drop();
  });

  it('a change made through A is enforced by B (write revoked, key revoked)', async () => {
    const dev = await key(a, 'dev');
    await policy(a, 'write-eng', WRITE);
    await policy(a, 'read-eng', READ);
    await a.api('POST', '/api/v1/stacks', stackBody('shared'));
    await a.api('PUT', '/api/v1/stacks/shared/policies/write-eng');
    await a.api('PUT', '/api/v1/stacks/shared/policies/read-eng');
    // B has the key and the attachments cached.
    assert.equal(await trigger(b, 'shared', dev.secret), 201);
    assert.equal(await read(b, 'shared', dev.secret), 200);

    await a.api('DELETE', '/api/v1/stacks/shared/policies/write-eng');
    await waitFor(async () => (await trigger(b, 'shared', dev.secret)) === 403, 'B refuses the write');
    assert.equal(await read(b, 'shared', dev.secret), 200);

    await a.api('PATCH', '/api/v1/policies/read-eng', { body: 'package spacelift\nread if { false }' });
    await waitFor(async () => (await read(b, 'shared', dev.secret)) === 404, 'B refuses the read');

    await a.api('DELETE', `/api/v1/api-keys/${dev.id}`);
    await waitFor(
      async () => (await b.api('GET', '/api/v1/stacks', undefined, dev.secret)).status === 401,
      'B rejects the revoked key',
    );
    // And the other way round: a grant made through B reaches A.
    const ops = await key(b, 'ops');
    await b.api('PUT', '/api/v1/stacks/shared/policies/write-eng');
    await waitFor(async () => (await trigger(a, 'shared', ops.secret)) === 201, 'A allows the write');
  });
});
