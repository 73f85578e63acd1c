// Acceptance: stack access policies with non-admin API keys (docs/policies.md).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import { startServer, stackBody, type RunJson, type TestServer } from '../helpers/server.js';

type Err = { error: { code: string; message: string } };

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`access policies over HTTP (${backend})`, () => {
    let s: TestServer;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    // Skipped (outside CI) when PostgreSQL is unreachable.
    const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));
    let dev: string; // teams: ['Engineering']
    let ops: string; // teams: ['Ops']

    async function key(name: string, teams: string[]) {
      const res = await s.api<{ id: string; secret: string }>('POST', '/api/v1/api-keys', { name, teams });
      assert.equal(res.status, 201);
      assert.match(res.body.secret, /^lft_/);
      return res.body.secret;
    }

    async function policy(id: string, body: string, labels: string[] = [], regoVersion = 'v1') {
      const res = await s.api('POST', '/api/v1/policies', {
        id,
        type: 'ACCESS',
        body,
        labels,
        rego_version: regoVersion,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }

    async function attach(stack: string, policyId: string) {
      assert.equal((await s.api('PUT', `/api/v1/stacks/${stack}/policies/${policyId}`)).status, 204);
    }

    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      s = await startServer(pg ? { databaseUrl: pg.url } : {});
      dev = await key('dev', ['Engineering']);
      ops = await key('ops', ['Ops']);
      await policy(
        'read-engineering',
        'package spacelift\nread if { some team in input.session.teams; team == "Engineering" }',
      );
      await policy(
        'write-engineering',
        'package spacelift\nwrite if { input.session.teams[_] == "Engineering" }',
      );
      await policy('deny-write-all', 'package spacelift\ndeny_write if { true }');
      await policy('deny-all', 'package spacelift\ndeny if { input.session.login != "nobody" }');
      // Two values for one complete rule: an eval_conflict_error at run time.
      await policy(
        'broken',
        'package spacelift\nv := 1 if { input.session.machine }\nv := 2 if { input.session.machine }\nread if { v == 1 }',
      );
      await policy(
        'slow',
        // ~9 million pairs: far beyond the step and time budget.
        'package spacelift\nr := numbers.range(1, 3000)\nread if { count([1 | some a in r; some b in r; a == b]) > 0 }',
      );
    });
    after(async () => {
      await s?.close();
      await pg?.drop();
    });

    it('no policy attached: a non-admin cannot read (404), an admin can', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('private'));
      const res = await s.api<Err>('GET', '/api/v1/stacks/private', undefined, dev);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'stack_not_found');
      assert.equal((await s.api('GET', '/api/v1/stacks/private')).status, 200);
      const list = await s.api<Array<{ id: string }>>('GET', '/api/v1/stacks', undefined, dev);
      assert.ok(!list.body.some((st) => st.id === 'private'));
      assert.equal((await s.api('POST', '/api/v1/stacks/private/runs', undefined, dev)).status, 404);
    });

    it('read via input.session.teams: readable, trigger/confirm → 403; other teams still 404', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('readable'));
      await attach('readable', 'read-engineering');
      assert.equal((await s.api('GET', '/api/v1/stacks/readable', undefined, dev)).status, 200);
      assert.equal((await s.api('GET', '/api/v1/stacks/readable', undefined, ops)).status, 404);
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/readable/runs')).body;
      await s.waitForRun('readable', run.id, ['UNCONFIRMED']);
      assert.equal(
        (await s.api('GET', `/api/v1/stacks/readable/runs/${run.id}`, undefined, dev)).status,
        200,
      );
      assert.equal(
        (await s.api('GET', `/api/v1/stacks/readable/runs/${run.id}/logs`, undefined, dev)).status,
        200,
      );
      const confirm = await s.api<Err>(
        'POST',
        `/api/v1/stacks/readable/runs/${run.id}/confirm`,
        undefined,
        dev,
      );
      assert.equal(confirm.status, 403);
      assert.equal(confirm.body.error.code, 'access_denied');
      assert.equal((await s.api('POST', '/api/v1/stacks/readable/runs', undefined, dev)).status, 403);
      // Stack administration stays admin-only even with read access.
      assert.equal((await s.api('PATCH', '/api/v1/stacks/readable', { name: 'x' }, dev)).status, 403);
      // The denial is audited.
      const audit = await s.api<Array<{ action: string; decision: string; actor: string }>>(
        'GET',
        '/api/v1/audit-events',
      );
      assert.ok(audit.body.some((e) => e.action === 'run.confirm' && e.decision === 'denied'));
    });

    it('write: trigger and confirm work; runs record who acted', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('writable'));
      await attach('writable', 'write-engineering');
      const run = await s.api<RunJson>('POST', '/api/v1/stacks/writable/runs', undefined, dev);
      assert.equal(run.status, 201);
      await s.waitForRun('writable', run.body.id, ['UNCONFIRMED']);
      const confirm = await s.api<RunJson>(
        'POST',
        `/api/v1/stacks/writable/runs/${run.body.id}/confirm`,
        undefined,
        dev,
      );
      assert.equal(confirm.status, 200);
      const done = await s.waitForRun('writable', run.body.id, ['FINISHED', 'FAILED']);
      assert.equal(done.state, 'FINISHED');
      assert.match(done.triggered_by, /^api::/);
      assert.equal(done.history.find((h) => h.state === 'CONFIRMED')?.by, done.triggered_by);
    });

    it('deny_write beats write (read remains)', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('deny-write'));
      await attach('deny-write', 'write-engineering');
      await attach('deny-write', 'deny-write-all');
      assert.equal((await s.api('GET', '/api/v1/stacks/deny-write', undefined, dev)).status, 200);
      assert.equal((await s.api('POST', '/api/v1/stacks/deny-write/runs', undefined, dev)).status, 403);
    });

    it('APPROVAL and NOTIFICATION policies never grant access, whatever rules they define', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('other-types'));
      for (const type of ['APPROVAL', 'NOTIFICATION']) {
        const id = `write-as-${type.toLowerCase()}`;
        const res = await s.api('POST', '/api/v1/policies', {
          id,
          type,
          body: 'package spacelift\nwrite := true\nread := true',
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal((res.body as { type: string }).type, type);
        await attach('other-types', id);
      }
      assert.equal((await s.api('GET', '/api/v1/stacks/other-types', undefined, dev)).status, 404);
      await attach('other-types', 'read-engineering');
      assert.equal((await s.api('GET', '/api/v1/stacks/other-types', undefined, dev)).status, 200);
      assert.equal((await s.api('POST', '/api/v1/stacks/other-types/runs', undefined, dev)).status, 403);
    });

    it('deny beats everything', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('denied'));
      await attach('denied', 'write-engineering');
      await attach('denied', 'read-engineering');
      await attach('denied', 'deny-all');
      assert.equal((await s.api('GET', '/api/v1/stacks/denied', undefined, dev)).status, 404);
      assert.equal((await s.api('POST', '/api/v1/stacks/denied/runs', undefined, dev)).status, 404);
    });

    it('a policy with a runtime error denies, and the error is recorded for admins', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('erroring'));
      await attach('erroring', 'write-engineering');
      await attach('erroring', 'broken');
      assert.equal((await s.api('GET', '/api/v1/stacks/erroring', undefined, dev)).status, 404);
      const p = await s.api<{ last_error: string | null }>('GET', '/api/v1/policies/broken');
      assert.ok(p.body.last_error, 'last_error recorded');
      const audit = await s.api<Array<{ action: string; decision: string }>>('GET', '/api/v1/audit-events');
      assert.ok(audit.body.some((e) => e.action === 'policy.evaluate' && e.decision === 'error'));
    });

    it('a policy exceeding the evaluation budget denies', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('slow-stack'));
      await attach('slow-stack', 'read-engineering');
      await attach('slow-stack', 'slow');
      assert.equal((await s.api('GET', '/api/v1/stacks/slow-stack', undefined, dev)).status, 404);
      const p = await s.api<{ last_error: string | null }>('GET', '/api/v1/policies/slow');
      assert.match(p.body.last_error ?? '', /cancel|budget|step|time/i);
    });

    it('autoattach:<label> and autoattach:* attach policies by label', async () => {
      await policy('auto-prod', 'package spacelift\nread if { input.session.teams[_] == "Ops" }', [
        'autoattach:prod',
      ]);
      await s.api('POST', '/api/v1/stacks', stackBody('prod-stack', { labels: ['prod'] }));
      await s.api('POST', '/api/v1/stacks', stackBody('dev-stack', { labels: ['dev'] }));
      assert.equal((await s.api('GET', '/api/v1/stacks/prod-stack', undefined, ops)).status, 200);
      assert.equal((await s.api('GET', '/api/v1/stacks/dev-stack', undefined, ops)).status, 404);
      // Labels change → attachment follows.
      await s.api('PATCH', '/api/v1/stacks/dev-stack', { labels: ['dev', 'prod'] });
      assert.equal((await s.api('GET', '/api/v1/stacks/dev-stack', undefined, ops)).status, 200);

      await policy('auto-all', 'package spacelift\nread if { input.stack.id == "anything" }', [
        'autoattach:*',
      ]);
      await s.api('POST', '/api/v1/stacks', stackBody('anything'));
      assert.equal((await s.api('GET', '/api/v1/stacks/anything', undefined, dev)).status, 200);
      await s.api('DELETE', '/api/v1/policies/auto-all');
      assert.equal((await s.api('GET', '/api/v1/stacks/anything', undefined, dev)).status, 404);
    });

    it('input document: stack and request fields are available (v0 syntax too)', async () => {
      await policy(
        'input-shape',
        [
          'package spacelift',
          'read {',
          '  input.stack.id == "shape"',
          '  input.stack.labels[_] == "team:x"',
          '  input.stack.administrative == false',
          '  input.stack.state == "NONE"',
          '  input.session.machine == true',
          '  input.session.admin == false',
          '  input.request.remote_ip == "127.0.0.1"',
          '  input.request.timestamp_ns > 0',
          '}',
        ].join('\n'),
        [],
        'v0',
      );
      await s.api('POST', '/api/v1/stacks', stackBody('shape', { labels: ['team:x'] }));
      await attach('shape', 'input-shape');
      assert.equal((await s.api('GET', '/api/v1/stacks/shape', undefined, ops)).status, 200);
    });

    it('policies, API keys and stack creation are admin-only', async () => {
      assert.equal((await s.api('GET', '/api/v1/policies', undefined, dev)).status, 403);
      assert.equal((await s.api('POST', '/api/v1/stacks', stackBody('nope'), dev)).status, 403);
      assert.equal((await s.api('POST', '/api/v1/api-keys', { name: 'x' }, dev)).status, 403);
      assert.equal((await s.api('GET', '/api/v1/stacks', undefined, 'lft_wrong')).status, 401);
      assert.equal((await s.api('GET', '/api/v1/stacks', undefined, '')).status, 401);
    });

    it('a policy body that does not compile is refused with line and column', async () => {
      const res = await s.api<Err>('POST', '/api/v1/policies', {
        id: 'bad-syntax',
        type: 'ACCESS',
        body: 'package spacelift\n\nread if {\n  input.x ==\n}\n',
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'policy_compile_error');
      assert.match(res.body.error.message, /line \d+, column \d+/);
      const disabled = await s.api<Err>('POST', '/api/v1/policies', {
        id: 'uses-now',
        type: 'ACCESS',
        body: 'package spacelift\nread if { time.now_ns() > 0 }',
      });
      assert.equal(disabled.status, 400);
      const patch = await s.api<Err>('PATCH', '/api/v1/policies/read-engineering', { body: 'package' });
      assert.equal(patch.status, 400);
      assert.match(patch.body.error.message, /line 1, column \d+/);
    });
  });
