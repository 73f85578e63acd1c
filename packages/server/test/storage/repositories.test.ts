// Domain + storage suite, run against SQLite and PostgreSQL alike: one repository layer for both.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { monotonicFactory } from 'ulid';
import { AccessService } from '../../src/domain/access.js';
import { ApiKeyService } from '../../src/domain/api-keys.js';
import { AuditLog } from '../../src/domain/audit.js';
import { IllegalTransitionError } from '../../src/domain/errors.js';
import { RunService } from '../../src/domain/runs.js';
import type { StackFields } from '../../src/domain/stacks.js';
import { httpSubject, SYSTEM } from '../../src/domain/subjects.js';
import { RegoPolicyEngine } from '../../src/policy-engine/rego.js';
import { KyselyApiKeyRepository } from '../../src/storage/api-key-repository.js';
import { KyselyAuditRepository } from '../../src/storage/audit-repository.js';
import { openDatabase, type Storage } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations/index.js';
import { KyselyPolicyRepository } from '../../src/storage/policy-repository.js';
import { KyselyRunRepository } from '../../src/storage/run-repository.js';
import { KyselyStackRepository } from '../../src/storage/stack-repository.js';
import { createPgSchema, type PgSchema } from '../helpers/postgres.js';
import { stackFields } from '../helpers/stack-fields.js';

function fields(overrides: Partial<StackFields> = {}): StackFields {
  return stackFields({
    name: 'n',
    commands: { init: null, plan: 'true', apply: 'true' },
    env: { A: '1' },
    ...overrides,
  });
}

const at = () => new Date().toISOString();

function suite(
  name: string,
  open: () => Promise<{ storage: Storage; cleanup(): Promise<void> } | { skip: string }>,
) {
  describe(`storage and domain (${name})`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void> = async () => {};
    let skip: string | undefined;
    let stacks: KyselyStackRepository;
    let runs: KyselyRunRepository;
    let policies: KyselyPolicyRepository;
    let service: RunService;
    const newId = monotonicFactory();

    before(async () => {
      const opened = await open();
      if ('skip' in opened) {
        skip = opened.skip;
        return;
      }
      storage = opened.storage;
      cleanup = opened.cleanup;
      await migrate(storage.db, storage.dialect);
      stacks = new KyselyStackRepository(storage.db);
      runs = new KyselyRunRepository(storage.db, storage.dialect);
      policies = new KyselyPolicyRepository(storage.db);
      const audit = new AuditLog(new KyselyAuditRepository(storage.db));
      const access = new AccessService(policies, new RegoPolicyEngine(), audit);
      service = new RunService(runs, stacks, access, audit, () => newId());
    });
    after(() => cleanup());

    test('migrations are idempotent', async (t) => {
      if (skip) return t.skip(skip);
      assert.deepEqual(await migrate(storage.db, storage.dialect), []);
    });

    test('stacks: create, read, update, state of latest run, conflicts, delete', async (t) => {
      if (skip) return t.skip(skip);
      const created = await stacks.create(
        { id: 's1', ...fields({ labels: ['a', 'b'], autodeploy: true }) },
        at(),
      );
      assert.equal(created.state, 'NONE');
      assert.deepEqual(created.labels, ['a', 'b']);
      assert.equal(created.autodeploy, true);
      await assert.rejects(stacks.create({ id: 's1', ...fields() }, at()), /already exists/);
      const updated = await stacks.update('s1', { name: 'renamed', env: {} }, at());
      assert.equal(updated?.name, 'renamed');
      assert.deepEqual(updated?.env, {});
      assert.equal(await stacks.update('missing', { name: 'x' }, at()), undefined);
      await service.trigger(SYSTEM, 's1');
      assert.equal((await stacks.get('s1'))?.state, 'QUEUED');
      assert.equal(await stacks.hasUnfinishedRuns('s1'), true);
      assert.equal(await stacks.delete('s1'), true);
      assert.equal(await stacks.get('s1'), undefined);
    });

    test('transitions: conditional, with history and an outbox event in one change', async (t) => {
      if (skip) return t.skip(skip);
      await stacks.create({ id: 's2', ...fields() }, at());
      const run = await service.trigger(SYSTEM, 's2');
      const claimed = await runs.claimQueued('w1', at());
      assert.equal(claimed?.id, run.id);
      assert.equal(claimed?.state, 'PREPARING');
      // Wrong expected state: nothing changes, nothing is recorded.
      assert.equal(
        await service.transition({ runId: run.id, from: 'PLANNING', to: 'FINISHED', by: null, note: null }),
        undefined,
      );
      // Wrong owner: refused too.
      assert.equal(
        await service.transition({
          runId: run.id,
          from: 'PREPARING',
          to: 'INITIALIZING',
          by: null,
          note: null,
          ownedBy: 'w2',
        }),
        undefined,
      );
      for (const [from, to] of [
        ['PREPARING', 'INITIALIZING'],
        ['INITIALIZING', 'PLANNING'],
        ['PLANNING', 'UNCONFIRMED'],
      ] as const) {
        assert.ok(
          await service.transition({
            runId: run.id,
            from,
            to,
            by: null,
            note: null,
            ownedBy: 'w1',
            delta: { add: 1, change: 2, destroy: 3 },
          }),
        );
      }
      // Illegal per the state machine: refused before touching the database.
      await assert.rejects(
        service.transition({ runId: run.id, from: 'UNCONFIRMED', to: 'FINISHED', by: null, note: null }),
        IllegalTransitionError,
      );
      const current = (await runs.get(run.id))!;
      assert.deepEqual(current.delta, { add: 1, change: 2, destroy: 3 });
      assert.deepEqual(
        current.history.map((h) => h.state),
        ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED'],
      );
      const events = await storage.db
        .selectFrom('run_events')
        .selectAll()
        .where('run_id', '=', run.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.state),
        ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED'],
      );
      const ids = events.map((e) => Number(e.id));
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        ids,
        'outbox ids increase',
      );
      assert.equal(events[0]!.stack_id, 's2');
    });

    test('concurrent confirm and discard: exactly one wins, the other gets a conflict', async (t) => {
      if (skip) return t.skip(skip);
      await stacks.create({ id: 's3', ...fields() }, at());
      const run = await service.trigger(SYSTEM, 's3');
      await runs.claimQueued('w1', at());
      for (const [from, to] of [
        ['PREPARING', 'INITIALIZING'],
        ['INITIALIZING', 'PLANNING'],
        ['PLANNING', 'UNCONFIRMED'],
      ] as const) {
        await service.transition({ runId: run.id, from, to, by: null, note: null });
      }
      const results = await Promise.allSettled([
        service.confirm(SYSTEM, 's3', run.id),
        service.discard(SYSTEM, 's3', run.id),
        service.confirm(SYSTEM, 's3', run.id),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(r.reason instanceof IllegalTransitionError);
      const final = (await runs.get(run.id))!;
      assert.equal(final.history.length, 6, 'exactly one extra history entry');
      // Leave nothing claimable for the next tests.
      if (final.state === 'CONFIRMED') {
        await service.transition({
          runId: run.id,
          from: 'CONFIRMED',
          to: 'FAILED',
          by: null,
          note: 'test cleanup',
        });
      }
    });

    test('claims: oldest queued run per stack, one active run per stack, confirmed runs claimable', async (t) => {
      if (skip) return t.skip(skip);
      await stacks.create({ id: 'c1', ...fields() }, at());
      await stacks.create({ id: 'c2', ...fields() }, at());
      const a1 = await service.trigger(SYSTEM, 'c1');
      const a2 = await service.trigger(SYSTEM, 'c1');
      const b1 = await service.trigger(SYSTEM, 'c2');
      const first = await runs.claimQueued('w', at());
      const second = await runs.claimQueued('w', at());
      assert.deepEqual([first?.id, second?.id].sort(), [a1.id, b1.id].sort());
      assert.equal(await runs.claimQueued('w', at()), undefined, 'a2 waits behind a1');
      await service.transition({ runId: a1.id, from: 'PREPARING', to: 'FAILED', by: null, note: 'x' });
      assert.equal((await runs.claimQueued('w', at()))?.id, a2.id);
      // UNCONFIRMED holds the stack; CONFIRMED is claimable for apply.
      await service.transition({ runId: b1.id, from: 'PREPARING', to: 'INITIALIZING', by: null, note: null });
      await service.transition({ runId: b1.id, from: 'INITIALIZING', to: 'PLANNING', by: null, note: null });
      await service.transition({
        runId: b1.id,
        from: 'PLANNING',
        to: 'UNCONFIRMED',
        by: null,
        note: null,
        workerId: null,
      });
      const b2 = await service.trigger(SYSTEM, 'c2');
      assert.equal(await runs.claimQueued('w', at()), undefined);
      await service.confirm(SYSTEM, 'c2', b1.id);
      const applying = await runs.claimConfirmed('w2', at());
      assert.equal(applying?.id, b1.id);
      assert.equal(applying?.state, 'APPLYING');
      assert.equal(applying?.worker_id, 'w2');
      assert.equal(await runs.claimConfirmed('w3', at()), undefined);
      await service.transition({ runId: b1.id, from: 'APPLYING', to: 'FINISHED', by: null, note: null });
      assert.equal((await runs.claimQueued('w', at()))?.id, b2.id);
    });

    test('parallel claimers never take two runs of one stack', async (t) => {
      if (skip) return t.skip(skip);
      for (let i = 0; i < 3; i++) await stacks.create({ id: `p${i}`, ...fields() }, at());
      for (let r = 0; r < 3; r++) for (let i = 0; i < 3; i++) await service.trigger(SYSTEM, `p${i}`);
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => runs.claimQueued(`w${i}`, at())));
      const got = claims.filter((c) => c !== undefined);
      assert.equal(got.length, 3);
      assert.equal(new Set(got.map((c) => c!.stack_id)).size, 3);
    });

    test('logs: appended in chunks, read after a cursor', async (t) => {
      if (skip) return t.skip(skip);
      await stacks.create({ id: 'logs', ...fields() }, at());
      const run = await service.trigger(SYSTEM, 'logs');
      await runs.appendLog(run.id, 'plan', 'one\n', at());
      await runs.appendLog(run.id, 'plan', 'two\n', at());
      const all = await runs.logs(run.id, 0);
      assert.deepEqual(
        all.map((c) => c.text),
        ['one\n', 'two\n'],
      );
      assert.deepEqual(
        (await runs.logs(run.id, all[0]!.id)).map((c) => c.text),
        ['two\n'],
      );
    });

    test('policies: explicit and autoattach attachments, revisions, recorded errors', async (t) => {
      if (skip) return t.skip(skip);
      await stacks.create({ id: 'pol', ...fields({ labels: ['prod'] }) }, at());
      const body = 'package spacelift\nread if { true }';
      await policies.create(
        { id: 'explicit', name: 'e', type: 'ACCESS', body, rego_version: 'v1', labels: [] },
        at(),
      );
      await policies.create(
        { id: 'auto-prod', name: 'a', type: 'ACCESS', body, rego_version: 'v1', labels: ['autoattach:prod'] },
        at(),
      );
      await policies.create(
        { id: 'auto-dev', name: 'd', type: 'ACCESS', body, rego_version: 'v1', labels: ['autoattach:dev'] },
        at(),
      );
      await policies.create(
        { id: 'auto-all', name: 's', type: 'ACCESS', body, rego_version: 'v1', labels: ['autoattach:*'] },
        at(),
      );
      await policies.attach('pol', 'explicit', at());
      await policies.attach('pol', 'explicit', at()); // idempotent
      const attached = await policies.attachedTo('pol', ['prod'], 'ACCESS');
      assert.deepEqual(
        attached.map((p) => p.id),
        ['auto-all', 'auto-prod', 'explicit'],
      );
      const updated = await policies.update('explicit', { name: 'e2' }, at());
      assert.equal(updated?.revision, 2);
      await policies.recordError('explicit', 'boom', at());
      assert.equal((await policies.get('explicit'))?.last_error, 'boom');
      assert.equal(await policies.detach('pol', 'explicit'), true);
      assert.equal(await policies.detach('pol', 'explicit'), false);
      await assert.rejects(policies.attach('pol', 'missing', at()), /does not exist/);
    });

    test('API keys: only the hash is stored; the admin token bootstrap is idempotent', async (t) => {
      if (skip) return t.skip(skip);
      const keys = new ApiKeyService(
        new KyselyApiKeyRepository(storage.db),
        new AuditLog(new KyselyAuditRepository(storage.db)),
      );
      const { key, secret } = await keys.create(SYSTEM, { name: 'k', admin: false, teams: ['t'] });
      assert.equal((await keys.authenticate(secret))?.id, key.id);
      assert.equal(await keys.authenticate(secret + 'x'), undefined);
      const rows = await storage.db.selectFrom('api_keys').selectAll().execute();
      assert.ok(rows.every((r) => !JSON.stringify(r).includes(secret)));
      const a = await keys.ensureAdminToken(SYSTEM, 'bootstrap-token-123456');
      const b = await keys.ensureAdminToken(SYSTEM, 'bootstrap-token-123456');
      assert.equal(a.id, b.id);
      assert.equal(a.admin, true);
      // Rotating the variable revokes the old bootstrap key, and only that one.
      const c = await keys.ensureAdminToken(SYSTEM, 'bootstrap-token-rotated');
      assert.notEqual(c.id, a.id);
      assert.equal(await keys.authenticate('bootstrap-token-123456'), undefined);
      assert.equal((await keys.authenticate(secret))?.id, key.id);
      const subject = httpSubject(
        { admin: false, login: key.login, name: 'k', teams: ['t'], machine: true },
        '10.0.0.1',
      );
      assert.deepEqual(Object.keys(subject.input).sort(), ['request', 'session']);
    });
  });
}

suite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-storage-'));
  return {
    storage: openDatabase({ kind: 'sqlite', path: join(dir, 'db.sqlite') }),
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let pgSchema: PgSchema | undefined;
suite('PostgreSQL', async () => {
  const created = await createPgSchema();
  if ('skip' in created) return created;
  pgSchema = created;
  const storage = openDatabase({ kind: 'postgres', url: created.url });
  return {
    storage,
    async cleanup() {
      await storage.close();
      await pgSchema?.drop();
    },
  };
});
