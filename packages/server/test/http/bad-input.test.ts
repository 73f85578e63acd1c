// Bad input: every case is a 4xx with {"error":{"code","message"}} naming the problem; never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ADMIN_TOKEN, startServer, stackBody, type RunJson, type TestServer } from '../helpers/server.js';

type Err = { error: { code: string; message: string } };

describe('bad input (SQLite)', () => {
  let s: TestServer;
  let runId: string;
  before(async () => {
    s = await startServer();
    await s.api('POST', '/api/v1/stacks', stackBody('target', {}, 0));
    runId = (await s.api<RunJson>('POST', '/api/v1/stacks/target/runs')).body.id;
  });
  after(() => s.close());

  async function raw(method: string, path: string, body: string | Buffer, contentType = 'application/json') {
    const res = await fetch(s.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as Err };
  }

  function assertError(res: { status: number; body: unknown }, status: number, pattern?: RegExp) {
    assert.equal(res.status, status, JSON.stringify(res.body));
    const body = res.body as Err;
    assert.equal(typeof body.error.code, 'string');
    assert.equal(typeof body.error.message, 'string');
    if (pattern) assert.match(body.error.message, pattern);
  }

  test('malformed JSON → 400 invalid_json', async () => {
    const res = await raw('POST', '/api/v1/stacks', '{"id": "x",');
    assertError(res, 400);
    assert.equal(res.body.error.code, 'invalid_json');
    // An empty body is no body: here the required fields are missing.
    assertError(await raw('POST', '/api/v1/stacks', ''), 400, /commands/);
    assertError(await raw('POST', '/api/v1/stacks', '{"__proto__": {"admin": true}}'), 400);
  });

  test('wrong types name the field', async () => {
    assertError(
      await s.api('POST', '/api/v1/stacks', { ...stackBody('typed'), autodeploy: 'yes' }),
      400,
      /autodeploy/,
    );
    assertError(await s.api('POST', '/api/v1/stacks', { ...stackBody('typed'), labels: 'a' }), 400, /labels/);
    assertError(
      await s.api('POST', '/api/v1/stacks', { id: 'typed', commands: { plan: 1, apply: 'x' } }),
      400,
      /commands\.plan/,
    );
    assertError(await s.api('POST', '/api/v1/stacks', { id: 'typed' }), 400, /commands/);
    assertError(await s.api('POST', '/api/v1/stacks', [1, 2]), 400, /body/);
    assertError(await s.api('POST', '/api/v1/stacks', '"just a string"'), 400);
    assertError(await s.api('POST', '/api/v1/api-keys', { name: 'k', admin: 'true' }), 400, /admin/);
    assertError(
      await s.api('POST', '/api/v1/policies', { id: 'p', type: 'NOPE', body: 'package x' }),
      400,
      /type/,
    );
  });

  test('unknown fields are refused', async () => {
    const res = await s.api<Err>('POST', '/api/v1/stacks', { ...stackBody('extra'), colour: 'red' });
    assertError(res, 400, /unknown field "colour"/);
    assertError(await s.api('PATCH', '/api/v1/stacks/target', { state: 'FINISHED' }), 400, /"state"/);
    assertError(
      await s.api('POST', `/api/v1/stacks/target/runs/${runId}/confirm`, { force: true }),
      400,
      /"force"/,
    );
    assertError(
      await s.api('POST', '/api/v1/stacks', {
        ...stackBody('nested'),
        commands: { plan: 'x', apply: 'y', destroy: 'z' },
      }),
      400,
      /commands: unknown field "destroy"/,
    );
  });

  test('bad slugs → 400, in bodies and paths', async () => {
    for (const id of [
      'Upper',
      'has space',
      '-leading',
      'trailing-',
      '',
      'a'.repeat(65),
      'ünïcode',
      '../etc',
    ]) {
      assertError(await s.api('POST', '/api/v1/stacks', stackBody(id)), 400, /id/);
    }
    assertError(await s.api('GET', '/api/v1/stacks/Not_A_Slug!'), 400, /slug/);
    assertError(await s.api('GET', '/api/v1/stacks/target/runs/not-a-ulid'), 400, /runId/);
    assertError(await s.api('PUT', '/api/v1/stacks/target/policies/BAD'), 400, /policyId/);
  });

  test('body over 1 MB → 413', async () => {
    const big = JSON.stringify({ ...stackBody('big'), description: 'x'.repeat(1024 * 1024 + 10) });
    const res = await raw('POST', '/api/v1/stacks', big);
    assertError(res, 413);
    assert.equal(res.body.error.code, 'payload_too_large');
  });

  test('unknown ids → 404; duplicates → 409', async () => {
    assertError(await s.api('GET', '/api/v1/stacks/nope'), 404, /nope/);
    assertError(await s.api('GET', '/api/v1/stacks/target/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
    assertError(await s.api('POST', '/api/v1/stacks/nope/runs'), 404);
    assertError(await s.api('GET', '/api/v1/policies/nope'), 404);
    assertError(await s.api('PUT', '/api/v1/stacks/target/policies/nope'), 404);
    assertError(await s.api('DELETE', '/api/v1/api-keys/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
    assertError(await s.api('GET', '/api/v1/nothing-here'), 404);
    assertError(await s.api('POST', '/api/v1/stacks', stackBody('target')), 409, /already exists/);
  });

  test('other media types and query strings', async () => {
    assert.ok([400, 415].includes((await raw('POST', '/api/v1/stacks', '<x/>', 'application/xml')).status));
    assertError(await raw('POST', '/api/v1/stacks', 'id=x', 'text/plain'), 400);
    assertError(await s.api('GET', '/api/v1/stacks/target/runs?limit=abc'), 400, /limit/);
    assertError(await s.api('GET', `/api/v1/stacks/target/runs/${runId}/logs?after=-1`), 400, /after/);
  });

  test('property: random bodies and paths never produce a 5xx', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const stackish = fc.record(
      {
        id: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('p1', 'p2', 'target'), json),
        name: fc.oneof(fc.string(), json),
        labels: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), json),
        autodeploy: fc.oneof(fc.boolean(), json),
        commands: fc.oneof(
          fc.record({ plan: fc.string(), apply: fc.string(), init: fc.option(fc.string()) }),
          json,
        ),
        env: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.string()), json),
        project_root: fc.oneof(fc.string(), json),
        extra: json,
      },
      { requiredKeys: [] },
    );
    const targets = fc.constantFrom(
      ['POST', '/api/v1/stacks'],
      ['PATCH', '/api/v1/stacks/target'],
      ['POST', '/api/v1/policies'],
      ['PATCH', '/api/v1/policies/p-none'],
      ['POST', '/api/v1/api-keys'],
      ['POST', '/api/v1/stacks/target/runs'],
      ['POST', `/api/v1/stacks/target/runs/${runId}/confirm`],
      ['PUT', '/api/v1/stacks/target/policies/x'],
    );
    await fc.assert(
      fc.asyncProperty(targets, fc.oneof(stackish, json), async ([method, path], body) => {
        const res = await s.api(method!, path!, JSON.stringify(body));
        assert.ok(
          res.status < 500,
          `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
        );
        if (res.status >= 400) assert.equal(typeof (res.body as Err).error?.code, 'string');
      }),
      { numRuns: 300 },
    );
    // Raw strings (mostly invalid JSON) and random path segments.
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 50 }), fc.string({ maxLength: 30 }), async (text, segment) => {
        const res = await raw('POST', '/api/v1/stacks', text);
        assert.ok(res.status < 500, `raw ${JSON.stringify(text)} → ${res.status}`);
        const get = await fetch(`${s.url}/api/v1/stacks/${encodeURIComponent(segment)}/runs`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        assert.ok(get.status < 500, `segment ${JSON.stringify(segment)} → ${get.status}`);
      }),
      { numRuns: 200 },
    );
  });
});
