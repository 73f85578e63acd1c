import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@slack/web-api';
import { demoFixture, platformError, webClient } from './helpers.js';
import type { Fixture } from './helpers.js';

describe('rate limits', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture();
  });
  after(() => f.sim.close());
  beforeEach(() => f.sim.control.setRateLimits({ mode: 'off' }));

  test('a tight custom budget answers 429 with Retry-After and ratelimited', async () => {
    f.sim.control.setRateLimits({
      mode: 'custom',
      methods: { 'users.info': { limit: 2, windowMs: 60_000 } },
    });
    const c = webClient(f.sim, f.install.botToken, { rejectRateLimitedCalls: true });
    await c.users.info({ user: f.demo.users.alice.id });
    await c.users.info({ user: f.demo.users.alice.id });
    await assert.rejects(
      c.users.info({ user: f.demo.users.alice.id }),
      (err: { code: string; retryAfter: number }) => {
        assert.equal(err.code, ErrorCode.RateLimitedError);
        assert.equal(err.retryAfter, 30);
        return true;
      },
    );
    const raw = await fetch(`${f.sim.apiUrl}users.info`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${f.install.botToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `user=${f.demo.users.alice.id}`,
    });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '30');
    assert.deepEqual(await raw.json(), { ok: false, error: 'ratelimited' });
    // Other methods have their own budget.
    assert.equal((await c.auth.test()).ok, true);
    // The budget refills with time.
    f.sim.control.advanceClock(30_000);
    assert.equal((await c.users.info({ user: f.demo.users.alice.id })).ok, true);
  });

  test('budgets are per workspace: another installation is not affected', async () => {
    f.sim.control.setRateLimits({ mode: 'custom', tiers: { 4: 1 } });
    const other = f.sim.control.createTeam({ name: 'Other' });
    const someone = f.sim.control.createUser({ teamId: other.id, name: 'someone' });
    const inst = f.sim.control.install({ appId: f.demo.app.id, teamId: other.id, scopes: ['users:read'] });
    const here = webClient(f.sim, f.install.botToken, { rejectRateLimitedCalls: true });
    const there = webClient(f.sim, inst.botToken, { rejectRateLimitedCalls: true });
    await here.users.info({ user: f.demo.users.alice.id });
    await assert.rejects(here.users.info({ user: f.demo.users.alice.id }), {
      code: ErrorCode.RateLimitedError,
    });
    assert.equal((await there.users.info({ user: someone.id })).ok, true);
  });

  test('chat.postMessage: a short burst per channel, then ~1/s; other channels unaffected', async () => {
    f.sim.control.setRateLimits({ mode: 'slack' });
    const c = webClient(f.sim, f.install.botToken, { rejectRateLimitedCalls: true });
    const random = f.demo.channels.random.id;
    for (let i = 0; i < 3; i++) await c.chat.postMessage({ channel: random, text: `burst ${i}` });
    await assert.rejects(
      c.chat.postMessage({ channel: random, text: 'one too many' }),
      (err: { retryAfter: number }) => err.retryAfter === 1,
    );
    assert.equal(
      (await c.chat.postMessage({ channel: f.demo.channels.general.id, text: 'elsewhere' })).ok,
      true,
    );
    f.sim.control.advanceClock(1000);
    assert.equal((await c.chat.postMessage({ channel: random, text: 'after a second' })).ok, true);
    const limited = f.sim.control
      .apiCalls({ method: 'chat.postMessage' })
      .filter((x) => x.httpStatus === 429);
    assert.equal(limited.length, 1);
  });

  test('slack mode uses the published tier budgets (tier 3: 50/min)', async () => {
    f.sim.control.setRateLimits({ mode: 'slack' });
    const c = webClient(f.sim, f.install.botToken, { rejectRateLimitedCalls: true });
    for (let i = 0; i < 50; i++) await c.conversations.info({ channel: f.demo.channels.general.id });
    await assert.rejects(c.conversations.info({ channel: f.demo.channels.general.id }), {
      code: ErrorCode.RateLimitedError,
    });
  });

  test('WebClient without rejectRateLimitedCalls waits Retry-After and retries', async () => {
    f.sim.control.setRateLimits({ mode: 'custom', methods: { 'team.info': { limit: 1, windowMs: 1000 } } });
    const c = webClient(f.sim, f.install.botToken, {
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    await c.team.info();
    const second = await c.team.info();
    assert.equal(second.ok, true);
    assert.deepEqual(
      f.sim.control
        .apiCalls({ method: 'team.info' })
        .slice(-2)
        .map((x) => x.httpStatus),
      [429, 200],
    );
  });
});

describe('fault injection', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture();
  });
  after(() => f.sim.close());
  beforeEach(() => f.sim.control.clearFaults());

  test('5xx for N calls, then normal service', async () => {
    f.sim.control.injectFault({ method: 'users.info', kind: 'http_error', status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        f.client.users.info({ user: f.demo.users.alice.id }),
        (err: { code: string; statusCode: number }) => {
          assert.equal(err.code, ErrorCode.HTTPError);
          assert.equal(err.statusCode, 503);
          return true;
        },
      );
    }
    assert.equal((await f.client.users.info({ user: f.demo.users.alice.id })).ok, true);
  });

  test('5xx for a duration on the sim clock', async () => {
    f.sim.control.injectFault({ method: '*', kind: 'http_error', status: 500, durationMs: 10_000 });
    await assert.rejects(f.client.auth.test(), { code: ErrorCode.HTTPError });
    f.sim.control.advanceClock(10_001);
    assert.equal((await f.client.auth.test()).ok, true);
  });

  test('dropped connections surface as request errors', async () => {
    f.sim.control.injectFault({ method: 'chat.postMessage', kind: 'drop', times: 1 });
    await assert.rejects(f.client.chat.postMessage({ channel: f.demo.channels.general.id, text: 'x' }), {
      code: ErrorCode.RequestError,
    });
    assert.equal(
      (await f.client.chat.postMessage({ channel: f.demo.channels.general.id, text: 'x' })).ok,
      true,
    );
  });

  test('api_error faults answer 200 {ok:false}', async () => {
    f.sim.control.injectFault({ method: 'team.info', kind: 'api_error', error: 'internal_error', times: 1 });
    assert.equal((await platformError(f.client.team.info())).error, 'internal_error');
  });

  test('latency delays one method without holding up others', async () => {
    f.sim.control.injectFault({ method: 'users.info', kind: 'latency', ms: 300 });
    const order: string[] = [];
    const slow = f.client.users.info({ user: f.demo.users.alice.id }).then(() => order.push('users.info'));
    // A separate client: WebClient queues calls per client.
    const fast = webClient(f.sim, f.install.botToken)
      .auth.test()
      .then(() => order.push('auth.test'));
    await Promise.all([slow, fast]);
    assert.deepEqual(order, ['auth.test', 'users.info']);
  });

  test('response_url faults', async () => {
    f.sim.control.injectFault({ method: 'response_url', kind: 'http_error', status: 502, times: 1 });
    f.sim.control.updateApp(f.demo.app.id, { requestUrl: 'http://127.0.0.1:9/unused' });
    const ack = await f.sim.driver.slashCommand(
      { channel: f.demo.channels.random.id, user: f.demo.users.bob.id, command: '/x' },
      { timeoutMs: 200 },
    );
    const post = () =>
      fetch(ack.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
    assert.equal((await post()).status, 502);
    assert.equal((await post()).status, 200);
  });
});
