// The server side of the web UI (packages/server/src/http/web) over plain HTTP: sessions and their cookie,
// cross-site protection, "what may I do", live event streams filtered by access, the policy workbench and static
// serving. No browser needed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_IDLE_MS, SESSION_MAX_MS, SessionStore } from '../../server/src/storage/web-sessions.js';
import { createPgSchema } from '../../server/test/helpers/postgres.js';
import { ADMIN_TOKEN, demoStack, startHarness, type Harness } from './helpers/harness.js';

interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads a server-sent-events stream until `until` holds for the events so far (or the timeout). */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  until: (events: SseEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<{ status: number; events: SseEvent[]; ended: boolean }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  let ended = false;
  if (res.status !== 200 || !res.body) {
    clearTimeout(timer);
    return { status: res.status, events, ended };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => l && !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        );
        if (fields.event)
          events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? 'null') });
      }
      if (until(events)) break;
    }
    ended = true;
  } catch {
    // aborted by the timeout
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, events, ended };
}

// The same suite on the embedded SQLite and on PostgreSQL (own schema; skipped with a note when unreachable
// outside CI, as the server's PostgreSQL suites do).
const pgSchema = await createPgSchema();
const backends: Array<{ name: string; env: Record<string, string>; skip: string | false }> = [
  { name: 'SQLite', env: {}, skip: false },
  'skip' in pgSchema
    ? { name: 'PostgreSQL', env: {}, skip: pgSchema.skip }
    : { name: 'PostgreSQL', env: { DATABASE_URL: pgSchema.url }, skip: false },
];
after(async () => {
  if (!('skip' in pgSchema)) await pgSchema.drop();
});

for (const backend of backends)
  describe(`web UI server endpoints (${backend.name})`, { timeout: 120_000, skip: backend.skip }, () => {
    let h: Harness;
    let reader: string;
    let writer: string;

    const signIn = async (key: string) => {
      const res = await fetch(`${h.url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: key }),
      });
      const cookie = res.headers.get('set-cookie') ?? '';
      return { res, cookie: cookie.split(';')[0]! };
    };

    before(async () => {
      h = await startHarness(backend.env, { browser: false });
      await h.api('POST', '/api/v1/stacks', demoStack('shared', { labels: ['shared'] }));
      await h.api('POST', '/api/v1/stacks', demoStack('secret', { labels: ['secret'] }));
      await h.api('POST', '/api/v1/policies', {
        id: 'teams',
        name: 'Teams',
        type: 'ACCESS',
        labels: ['autoattach:shared'],
        body: 'package spacelift\n\nread if "Readers" in input.session.teams\nwrite if "Writers" in input.session.teams\n',
      });
      reader = (
        await h.api<{ secret: string }>('POST', '/api/v1/api-keys', {
          name: 'R',
          admin: false,
          teams: ['Readers'],
        })
      ).body.secret;
      writer = (
        await h.api<{ secret: string }>('POST', '/api/v1/api-keys', {
          name: 'W',
          admin: false,
          teams: ['Writers'],
        })
      ).body.secret;
    });
    after(() => h?.close());

    test('GET /auth/session answers 200 signed out, and who you are signed in', async () => {
      const out = await fetch(`${h.url}/auth/session`);
      assert.equal(out.status, 200);
      assert.equal(((await out.json()) as { signed_in: boolean }).signed_in, false);
      const { res, cookie } = await signIn(reader);
      assert.equal(res.status, 200);
      const set = res.headers.get('set-cookie')!;
      assert.match(set, /HttpOnly/);
      assert.match(set, /SameSite=Strict/);
      assert.match(set, /Path=\//);
      assert.doesNotMatch(set, /Secure/, 'plain http PUBLIC_URL');
      const info = (await (await fetch(`${h.url}/auth/session`, { headers: { cookie } })).json()) as {
        me: { name: string; admin: boolean; teams: string[] };
      };
      assert.deepEqual(
        { ...info.me, login: undefined },
        { login: undefined, name: 'R', admin: false, teams: ['Readers'] },
      );
      const me = await fetch(`${h.url}/api/v1/me`, { headers: { cookie } });
      assert.equal(((await me.json()) as { name: string }).name, 'R');
    });

    test('a wrong key is 401 and sets no cookie; an expired or signed-out session is 401', async () => {
      const bad = await signIn('lft_nope');
      assert.equal(bad.res.status, 401);
      assert.equal(bad.res.headers.get('set-cookie'), null);

      const { cookie } = await signIn(reader);
      await h.liftoff.storage.db
        .updateTable('web_sessions' as never)
        .set({ expires_at: '2000-01-01T00:00:00.000Z' } as never)
        .execute();
      assert.equal((await fetch(`${h.url}/api/v1/me`, { headers: { cookie } })).status, 401);

      const fresh = await signIn(reader);
      const out = await fetch(`${h.url}/auth/sign-out`, {
        method: 'POST',
        headers: { cookie: fresh.cookie },
      });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie')!, /Max-Age=0/);
      assert.equal((await fetch(`${h.url}/api/v1/me`, { headers: { cookie: fresh.cookie } })).status, 401);

      // A cookie that is not even valid percent-encoding is no session, not a server error.
      const garbled = { cookie: 'liftoff_session=%E0%A4%A' };
      const session = await fetch(`${h.url}/auth/session`, { headers: garbled });
      assert.equal(session.status, 200);
      assert.equal(((await session.json()) as { signed_in: boolean }).signed_in, false);
      assert.equal((await fetch(`${h.url}/api/v1/me`, { headers: garbled })).status, 401);
      const garbledOut = await fetch(`${h.url}/auth/sign-out`, { method: 'POST', headers: garbled });
      assert.equal(garbledOut.status, 204);
    });

    test('sessions slide: use extends them, idleness ends them, and none outlives the maximum lifetime', async () => {
      let now = Date.parse('2030-01-01T00:00:00.000Z');
      const store = new SessionStore(h.liftoff.storage.db, () => new Date(now));
      const key = (await h.liftoff.services.apiKeys.authenticate(reader))!;
      const day = 24 * 60 * 60 * 1000;

      const used = await store.create(key, '127.0.0.1');
      // Used every six days, it lives past the idle limit, but not past the maximum.
      for (let t = 6 * day; t < SESSION_MAX_MS; t += 6 * day) {
        now = Date.parse('2030-01-01T00:00:00.000Z') + t;
        assert.equal((await store.resolve(used))?.id, key.id, `day ${t / day}`);
      }
      now = Date.parse('2030-01-01T00:00:00.000Z') + SESSION_MAX_MS + 1;
      assert.equal(await store.resolve(used), undefined, 'past the maximum lifetime');

      const idle = await store.create(key, '127.0.0.1');
      now += SESSION_IDLE_MS + 1;
      assert.equal(await store.resolve(idle), undefined, 'unused for longer than the idle limit');
    });

    test('bad input to the web endpoints is a 4xx naming the problem, never a 5xx', async () => {
      const json = { 'content-type': 'application/json' };
      const admin = { ...json, authorization: `Bearer ${ADMIN_TOKEN}` };
      const cases: Array<[string, string, Record<string, string>, string, number, string, RegExp]> = [
        ['POST', '/auth/sign-in', json, '{"api_key":', 400, 'invalid_json', /not valid JSON/],
        ['POST', '/auth/sign-in', json, '[]', 400, 'invalid_body', /expected object/],
        ['POST', '/auth/sign-in', json, '{"api_key":5}', 400, 'invalid_body', /api_key: expected string/],
        ['POST', '/auth/sign-in', json, '{"api_key":"x","remember":true}', 400, 'invalid_body', /"remember"/],
        [
          'POST',
          '/auth/sign-in',
          json,
          `{"api_key":"${'x'.repeat(1_100_000)}"}`,
          413,
          'payload_too_large',
          /1 MB/,
        ],
        [
          'POST',
          '/auth/sign-in',
          { 'content-type': 'application/xml' },
          '<k/>',
          415,
          'unsupported_media_type',
          /./,
        ],
        ['POST', '/api/v1/policies/evaluate', admin, '{"body":', 400, 'invalid_json', /not valid JSON/],
        [
          'POST',
          '/api/v1/policies/evaluate',
          admin,
          '{"body":1,"input":[]}',
          400,
          'invalid_body',
          /body: .*input: /,
        ],
        [
          'POST',
          '/api/v1/policies/evaluate',
          admin,
          '{"body":"package x","input":{},"x":1}',
          400,
          'invalid_body',
          /"x"/,
        ],
        [
          'POST',
          '/api/v1/policies/evaluate',
          admin,
          '{"body":"package x","input":{},"rego_version":"v2"}',
          400,
          'invalid_body',
          /rego_version/,
        ],
        ['GET', '/api/v1/stacks/NOT!A-SLUG/access', admin, '', 400, 'invalid_id', /id: /],
        ['GET', '/api/v1/stacks/shared/runs/not-a-run/events', admin, '', 400, 'invalid_id', /runId: /],
        ['GET', '/api/v1/events?stack=NOT!A-SLUG', admin, '', 400, 'invalid_id', /stack: /],
      ];
      for (const [method, path, headers, body, status, code, message] of cases) {
        const res = await fetch(h.url + path, { method, headers, body: method === 'GET' ? undefined : body });
        const what = `${method} ${path} ${body.slice(0, 40)}`;
        assert.equal(res.status, status, what);
        const error = ((await res.json()) as { error: { code: string; message: string } }).error;
        assert.equal(error.code, code, what);
        assert.match(error.message, message, what);
      }
    });

    test('cookie-authenticated writes must come from this origin; bearer requests are unaffected', async () => {
      const { cookie } = await signIn(ADMIN_TOKEN);
      const post = (headers: Record<string, string>) =>
        fetch(`${h.url}/api/v1/stacks/shared/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
      const evil = await post({ cookie, origin: 'http://evil.example' });
      assert.equal(evil.status, 403);
      assert.equal(((await evil.json()) as { error: { code: string } }).error.code, 'cross_site_request');
      assert.equal((await post({ cookie, 'sec-fetch-site': 'cross-site' })).status, 403);
      const same = await post({ cookie, origin: h.url, 'sec-fetch-site': 'same-origin' });
      assert.equal(same.status, 201);
      const run = (await same.json()) as { id: string };
      const bearer = await post({
        authorization: `Bearer ${ADMIN_TOKEN}`,
        origin: 'http://elsewhere.example',
      });
      assert.equal(bearer.status, 201);
      // Leave nothing queued behind for the other tests.
      for (const id of [run.id, ((await bearer.json()) as { id: string }).id]) {
        await h.waitForRun('shared', id, ['UNCONFIRMED', 'FAILED']);
        await h.api('POST', `/api/v1/stacks/shared/runs/${id}/discard`, {});
      }
    });

    test('access and the stacks overview follow the policies', async () => {
      const r = await signIn(reader);
      const w = await signIn(writer);
      const access = async (cookie: string, id: string) => {
        const res = await fetch(`${h.url}/api/v1/stacks/${id}/access`, { headers: { cookie } });
        return res.status === 200 ? ((await res.json()) as { access: string }).access : res.status;
      };
      assert.equal(await access(r.cookie, 'shared'), 'read');
      assert.equal(await access(w.cookie, 'shared'), 'write');
      assert.equal(await access(r.cookie, 'secret'), 404);
      assert.equal(await access(r.cookie, 'nope'), 404);
      assert.equal(
        (await h.api<{ access: string }>('GET', '/api/v1/stacks/secret/access')).body.access,
        'admin',
      );

      const overview = (await (
        await fetch(`${h.url}/api/v1/me/stacks`, { headers: { cookie: r.cookie } })
      ).json()) as Array<{
        id: string;
        access: string;
        latest_run: { id: string } | null;
      }>;
      assert.deepEqual(
        overview.map((s) => [s.id, s.access]),
        [['shared', 'read']],
      );
      assert.ok(overview[0]!.latest_run, 'latest run included');
    });

    test('the run event stream sends the run, its logs and `end`; a non-reader gets 404', async () => {
      const { cookie } = await signIn(writer);
      const run = (await h.api<{ id: string }>('POST', '/api/v1/stacks/shared/runs', {})).body;
      const url = `${h.url}/api/v1/stacks/shared/runs/${run.id}/events`;
      const seen = await readEvents(url, { cookie }, (ev) =>
        ev.some((e) => e.event === 'run' && (e.data as { state: string }).state === 'UNCONFIRMED'),
      );
      assert.equal(seen.status, 200);
      const states = seen.events
        .filter((e) => e.event === 'run')
        .map((e) => (e.data as { state: string }).state);
      assert.equal(states.at(-1), 'UNCONFIRMED');
      const logs = seen.events
        .filter((e) => e.event === 'log')
        .map((e) => (e.data as { text: string }).text)
        .join('');
      assert.match(logs, /Plan: 2 to add/);

      await h.api('POST', `/api/v1/stacks/shared/runs/${run.id}/discard`, {});
      // Resuming after the last log id replays no logs, then reports the terminal run and ends.
      const lastId = seen.events.at(-1)!.id!;
      const rest = await readEvents(url, { cookie, 'last-event-id': lastId }, (ev) =>
        ev.some((e) => e.event === 'end'),
      );
      assert.deepEqual(
        rest.events.map((e) => e.event),
        ['run', 'end'],
      );
      assert.equal((rest.events[0]!.data as { state: string }).state, 'DISCARDED');

      const r = await signIn(reader);
      const secretRun = (await h.api<{ id: string }>('POST', '/api/v1/stacks/secret/runs', {})).body;
      const denied = await readEvents(
        `${h.url}/api/v1/stacks/secret/runs/${secretRun.id}/events`,
        { cookie: r.cookie },
        () => true,
      );
      assert.equal(denied.status, 404);
      await h.waitForRun('secret', secretRun.id, ['UNCONFIRMED']);
      await h.api('POST', `/api/v1/stacks/secret/runs/${secretRun.id}/discard`, {});
    });

    test('the global event stream only carries runs of stacks the caller may read', async () => {
      const { cookie } = await signIn(reader);
      const pending = readEvents(`${h.url}/api/v1/events`, { cookie }, (ev) =>
        ev.some(
          (e) =>
            (e.data as { stack_id: string; state: string }).stack_id === 'shared' &&
            (e.data as { state: string }).state === 'UNCONFIRMED',
        ),
      );
      // Let the stream open and take its starting cursor before anything happens.
      await new Promise((r) => setTimeout(r, 300));
      const hidden = (await h.api<{ id: string }>('POST', '/api/v1/stacks/secret/runs', {})).body;
      await h.waitForRun('secret', hidden.id, ['UNCONFIRMED']);
      const visible = (await h.api<{ id: string }>('POST', '/api/v1/stacks/shared/runs', {})).body;
      const { events } = await pending;
      assert.ok(events.length > 0);
      assert.ok(
        events.every((e) => (e.data as { stack_id: string }).stack_id === 'shared'),
        JSON.stringify(events),
      );
      assert.ok(events.some((e) => (e.data as { id: string }).id === visible.id));
      for (const [stack, id] of [
        ['secret', hidden.id],
        ['shared', visible.id],
      ] as const) {
        await h.waitForRun(stack, id, ['UNCONFIRMED']);
        await h.api('POST', `/api/v1/stacks/${stack}/runs/${id}/discard`, {});
      }
    });

    test('policy workbench: admin only, compile errors at line and column, runtime errors count as deny', async () => {
      const evaluate = (body: unknown, key = ADMIN_TOKEN) =>
        h.api<Record<string, unknown>>('POST', '/api/v1/policies/evaluate', body, key);
      const ok = await evaluate({
        body: 'package spacelift\nwrite if input.session.teams[_] == "Writers"\ndeny_write if input.stack.administrative\n',
        input: { session: { teams: ['Writers'] }, stack: { administrative: true } },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, {
        type: 'ACCESS',
        rules: { read: false, write: true, deny: false, deny_write: true },
        values: { write: true, deny_write: true },
        access: 'read',
        error: null,
      });

      // Other policy types are evaluated for their own rules; `slack` is a set of messages.
      const notification = await evaluate({
        type: 'NOTIFICATION',
        body: 'package spacelift\nslack contains {"channel_id": "C1"} if input.run_updated.run.state == "FAILED"\n',
        input: { run_updated: { run: { state: 'FAILED' } } },
      });
      assert.equal(notification.status, 200);
      assert.deepEqual(notification.body, {
        type: 'NOTIFICATION',
        rules: { slack: false },
        values: { slack: [{ channel_id: 'C1' }] },
        access: 'none',
        error: null,
      });
      const approval = await evaluate({
        type: 'APPROVAL',
        body: 'package spacelift\napprove if count(input.reviews.current.approvals) >= 1\n',
        input: { reviews: { current: { approvals: [{ author: 'alice' }], rejections: [] } } },
      });
      assert.deepEqual(approval.body.rules, { approve: true, reject: false });
      const badType = await evaluate({ type: 'LOGIN', body: 'package spacelift\n', input: {} });
      assert.equal(badType.status, 400);
      assert.equal(
        (badType.body as unknown as { error: { message: string } }).error.message,
        'type: must be one of "ACCESS", "APPROVAL", "NOTIFICATION"',
      );

      const bad = await evaluate({ body: 'package spacelift\n\nread if {\n  input.x ==\n}\n', input: {} });
      assert.equal(bad.status, 400);
      assert.match((bad.body as { error: { message: string } }).error.message, /line 5, column 1/);

      // Two values for one complete rule: an evaluation error, not a compile error (1 / 0 would only be undefined).
      const failing = await evaluate({
        body: 'package spacelift\nread = input.a if true\nread = input.b if true\n',
        rego_version: 'v1',
        input: { a: true, b: false },
      });
      assert.equal(failing.status, 200);
      assert.equal(failing.body.access, 'none');
      const error = String(failing.body.error);
      assert.equal(error.match(/eval_conflict_error/g)?.length, 1, `the code, said once: ${error}`);

      assert.equal((await evaluate({ body: 'package spacelift\n', input: {} }, reader)).status, 403);
    });

    test('/api/v1/openapi.json documents the web endpoints, request bodies from the schemas they validate with', async () => {
      type Op = { requestBody?: { content: Record<string, { schema: { properties: object } }> } };
      const doc = (await (await fetch(`${h.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, Op>>;
        components: { securitySchemes: Record<string, { in?: string; name?: string }> };
      };
      for (const path of [
        '/auth/session',
        '/auth/sign-in',
        '/auth/sign-out',
        '/api/v1/me',
        '/api/v1/me/stacks',
        '/api/v1/stacks/{id}/access',
        '/api/v1/stacks/{id}/runs/{runId}/events',
        '/api/v1/events',
        '/api/v1/policies/evaluate',
      ]) {
        assert.ok(doc.paths[path], path);
      }
      const fields = (path: string) =>
        Object.keys(doc.paths[path]!.post!.requestBody!.content['application/json']!.schema.properties);
      assert.deepEqual(fields('/auth/sign-in'), ['api_key']);
      assert.deepEqual(fields('/api/v1/policies/evaluate').sort(), ['body', 'input', 'rego_version', 'type']);
      assert.deepEqual(doc.components.securitySchemes.session, {
        type: 'apiKey',
        in: 'cookie',
        name: 'liftoff_session',
      });
    });

    test('the SPA is served at its routes with a CSP; unknown API paths keep the JSON 404', async () => {
      for (const path of [
        '/',
        '/stacks',
        '/stacks/shared/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV',
        '/policies/new',
        '/settings/slack',
      ]) {
        const res = await fetch(h.url + path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers.get('content-type')!, /text\/html/);
        assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
        assert.equal(res.headers.get('cache-control'), 'no-cache');
        assert.match(await res.text(), /<div id="root">/);
      }
      const direct = await fetch(h.url + '/index.html');
      assert.match(direct.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      await direct.arrayBuffer();
      const html = await (await fetch(h.url + '/')).text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      const js = await fetch(h.url + asset);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('cache-control')!, /immutable/);
      // Read bodies to the end: an unread response keeps its connection busy and delays server shutdown.
      await js.arrayBuffer();
      const icon = await fetch(h.url + '/favicon.ico');
      assert.equal(icon.status, 200);
      await icon.arrayBuffer();
      const api404 = await fetch(`${h.url}/api/v1/nope`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      assert.equal(api404.status, 404);
      assert.equal(((await api404.json()) as { error: { code: string } }).error.code, 'not_found');
      const missing = await fetch(`${h.url}/nope.txt`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
    });
  });
