// POST /slack/events accepts only what Slack signed: mis-signed, stale, tampered and header-less requests get 401
// and change nothing. Redeliveries never act twice; slow Slack calls happen after the ack.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import {
  attachPolicy,
  counts,
  createStack,
  installViaOAuth,
  responseTo,
  startSlackWorld,
  type SlackWorld,
} from './helpers.js';

const WRITE_FROM_DEV = 'package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}';

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`Slack request handling (${backend})`, () => {
    let w: SlackWorld;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    // Skipped (outside CI) when PostgreSQL is unreachable.
    const test = (name: string, fn: () => Promise<void>) =>
      nodeTest(name, (t) => (skip ? t.skip(skip) : fn()));
    const alice = () => w.demo.users.alice.id;
    const dev = () => w.demo.channels.devNotifications.id;
    const runs = async () => (await w.server.api<unknown[]>('GET', '/api/v1/stacks/demo/runs')).body.length;

    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      w = await startSlackWorld({ runner: false, databaseUrl: pg?.url });
      assert.equal((await installViaOAuth(w)).status, 200);
      await createStack(w, 'demo');
      await attachPolicy(w, 'demo', 'dev', WRITE_FROM_DEV);
      w.sim.control.inviteBot(dev(), w.demo.app.id);
    });
    after(async () => {
      await w?.close();
      await pg?.drop();
    });

    const trigger = { channel: '', user: '', command: '/spacelift', text: 'trigger demo' };
    const triggerInput = () => ({ ...trigger, channel: dev(), user: alice() });

    test('unsigned, mis-signed, stale, future, tampered and header-less requests → 401, database unchanged', async () => {
      const before = await counts(w);
      const cases = {
        'bad signature': { signature: 'bad' as const },
        'no signature': { signature: 'missing' as const },
        'no timestamp': { omitTimestamp: true },
        'stale (301 s)': { staleBySeconds: 301 },
        'from the future (10 min)': { timestamp: Math.floor(Date.now() / 1000) + 600 },
        'body tampered after signing': { tamper: (b: string) => b.replace('trigger+demo', 'trigger+demo2') },
        'another secret': { signingSecret: 'not-the-signing-secret' },
      };
      for (const [name, options] of Object.entries(cases)) {
        const r = await w.sim.driver.slashCommand(triggerInput(), options);
        assert.equal(r.status, 401, name);
      }
      const noHeaders = await fetch(`${w.server.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'command=%2Fspacelift&text=trigger+demo',
      });
      assert.equal(noHeaders.status, 401);
      const unsignedEvent = await fetch(`${w.server.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'event_callback',
          team_id: w.demo.team.id,
          event: { type: 'app_uninstalled' },
        }),
      });
      assert.equal(unsignedEvent.status, 401);
      assert.deepEqual(await counts(w), before);
      const status = await w.server.api<{ connected: boolean }>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, true);
    });

    test('url_verification and ssl_check', async () => {
      const v = await w.sim.driver.urlVerification();
      assert.equal(v.status, 200);
      assert.deepEqual(v.json, { challenge: v.challenge });
      const ssl = await fetch(`${w.server.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'ssl_check=1&token=whatever',
      });
      assert.equal(ssl.status, 200);
    });

    test('the same command redelivered with X-Slack-Retry-Num: 1 → one run, not two', async () => {
      const before = await runs();
      const first = await w.sim.driver.slashCommand(triggerInput());
      assert.equal(first.status, 200);
      // Slack's redelivery: the same body (same trigger_id), signed again, with the retry headers.
      const retry = await w.sim.driver.raw(
        { body: first.request.body },
        { retryNum: 1, retryReason: 'http_timeout' },
      );
      assert.equal(retry.status, 200);
      const retry2 = await w.sim.driver.raw(
        { body: first.request.body },
        { retryNum: 2, retryReason: 'http_error' },
      );
      assert.equal(retry2.status, 200);
      assert.match((await responseTo(w, first)).text, /Triggered run/);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await runs(), before + 1);
      // Only one answer was posted for the three deliveries.
      assert.equal(w.sim.control.responseUrls().find((r) => r.url === first.responseUrl)!.posts.length, 1);
    });

    test('a redelivered click acts once', async () => {
      const first = await w.sim.driver.slashCommand(triggerInput());
      const runId = /\|([0-9A-Z]{26})>/.exec((await responseTo(w, first)).text)![1]!;
      // A run message with buttons, posted by the bot (as notifications do).
      const bot = (await w.server.liftoff.slack.botClient())!;
      const { runActionButtons } = await import('../../src/slack/platform/run-actions.js');
      const posted = await bot.client.chat.postMessage({
        channel: dev(),
        text: 'run',
        blocks: [runActionButtons({ stackId: 'demo', runId })],
      });
      const click = await w.sim.driver.clickButton({
        channel: dev(),
        ts: posted.ts!,
        user: alice(),
        actionId: 'liftoff_run_show_plan',
      });
      const again = await w.sim.driver.raw({ body: click.request.body }, { retryNum: 1 });
      assert.equal(again.status, 200);
      await responseTo(w, click);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(w.sim.control.responseUrls().find((r) => r.url === click.responseUrl)!.posts.length, 1);
    });

    test('users.info delayed 5 s: the ack comes first, the answer arrives through response_url', async () => {
      // A fresh user, so users.info is not cached.
      const carol = w.sim.control.createUser({ teamId: w.demo.team.id, name: 'carol', realName: 'Carol' });
      w.sim.control.joinChannel(dev(), carol.id);
      w.sim.control.injectFault({ method: 'users.info', kind: 'latency', ms: 5000, times: 1 });
      const r = await w.sim.driver.slashCommand({
        channel: dev(),
        user: carol.id,
        command: '/spacelift',
        text: 'list',
      });
      assert.equal(r.status, 200);
      assert.equal(r.timedOut, false);
      // Order, not duration: when the ack arrived, users.info for carol had not been answered (not even asked, or
      // still held by the simulator's latency fault).
      const answeredAtAck = w.sim.control
        .apiCalls({ method: 'users.info' })
        .filter((c) => c.params.user === carol.id && c.httpStatus !== 0);
      assert.equal(answeredAtAck.length, 0, 'users.info answered before the ack');
      const answer = await responseTo(w, r, 0, 15_000);
      assert.match(answer.text, /`demo`/);
      assert.equal(
        w.sim.control.apiCalls({ method: 'users.info' }).find((c) => c.params.user === carol.id)!.httpStatus,
        200,
      );
    });
  });
