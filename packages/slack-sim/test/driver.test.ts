import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { DriverError, startSlackSim, verifySignature } from '../src/index.js';
import { demoFixture, quietLogger } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { Fixture } from './helpers.js';

describe('driver → a real Bolt app (HTTPReceiver)', () => {
  let f: Fixture;
  let bolt: App;
  const seen: {
    commands: Record<string, unknown>[];
    retryNums: Array<number | undefined>;
    actions: Record<string, unknown>[];
    events: string[];
  } = {
    commands: [],
    retryNums: [],
    actions: [],
    events: [],
  };

  before(async () => {
    f = await demoFixture();
    f.sim.control.inviteBot(f.demo.channels.devNotifications.id, f.demo.app.id);
    bolt = new App({
      token: f.install.botToken,
      signingSecret: f.demo.app.signingSecret,
      clientOptions: { slackApiUrl: f.sim.apiUrl, retryConfig: { retries: 0 } },
      logger: quietLogger,
    });
    bolt.command('/liftoff', async ({ command, ack, respond, client, context }) => {
      seen.commands.push({ ...command });
      seen.retryNums.push(context.retryNum);
      if (command.text === 'ack-body') return ack({ text: 'on it', response_type: 'ephemeral' });
      await ack();
      if (command.text === 'later') await respond({ text: 'done later' });
      if (command.text === 'public')
        await respond({ text: 'everyone sees this', response_type: 'in_channel' });
      if (command.text === 'post') {
        await client.chat.postMessage({
          channel: command.channel_id,
          text: 'Run 1 is unconfirmed',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: 'Run *1* is unconfirmed' } },
            {
              type: 'actions',
              block_id: 'run:1',
              elements: [
                {
                  type: 'button',
                  action_id: 'confirm',
                  value: 'stack-a/run-1',
                  style: 'primary',
                  text: { type: 'plain_text', text: 'Confirm' },
                },
                {
                  type: 'button',
                  action_id: 'discard',
                  value: 'stack-a/run-1',
                  style: 'danger',
                  text: { type: 'plain_text', text: 'Discard' },
                },
              ],
            },
          ],
        });
      }
    });
    bolt.action(/^(confirm|discard)$/, async ({ ack, body, respond, action }) => {
      await ack();
      seen.actions.push(body as unknown as Record<string, unknown>);
      const a = action as { action_id: string };
      await respond({
        replace_original: true,
        text: `${a.action_id === 'confirm' ? 'Confirmed' : 'Discarded'} by <@${body.user.id}>`,
      });
    });
    bolt.event('app_uninstalled', async () => {
      seen.events.push('app_uninstalled');
    });
    bolt.event('tokens_revoked', async ({ event }) => {
      seen.events.push(`tokens_revoked:${event.tokens.bot?.join(',')}`);
    });
    const server = (await bolt.start(0)) as unknown as { address(): AddressInfo };
    f.sim.control.updateApp(f.demo.app.id, {
      requestUrl: `http://127.0.0.1:${server.address().port}/slack/events`,
    });
  });
  after(async () => {
    await bolt.stop();
    await f.sim.close();
  });

  const alice = () => f.demo.users.alice.id;
  const dev = () => f.demo.channels.devNotifications.id;

  test('slash command: every field Slack sends, signed; Bolt accepts it', async () => {
    const r = await f.sim.driver.slashCommand({
      channel: dev(),
      user: alice(),
      command: '/liftoff',
      text: 'list',
    });
    assert.equal(r.status, 200);
    assert.equal(r.error, null);
    assert.ok(r.ackMs >= 0);
    const got = seen.commands.at(-1)!;
    for (const field of [
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'response_url',
      'trigger_id',
      'api_app_id',
      'is_enterprise_install',
    ]) {
      assert.ok(field in got, `missing ${field}`);
    }
    assert.equal(got.channel_name, 'dev-notifications');
    assert.equal(got.team_domain, 'acme');
    assert.equal(got.is_enterprise_install, 'false');
    assert.equal(got.response_url, r.responseUrl);
    // The request verifies with Slack's documented rule.
    const h = r.request.headers;
    assert.ok(
      verifySignature(
        f.demo.app.signingSecret,
        { signature: h['x-slack-signature'], timestamp: h['x-slack-request-timestamp'] },
        r.request.body,
      ),
    );
  });

  test('an ack body is shown to the user as an ephemeral message', async () => {
    await f.sim.driver.slashCommand({ channel: dev(), user: alice(), command: '/liftoff', text: 'ack-body' });
    const e = f.sim.control.ephemerals({ user: alice() }).at(-1)!;
    assert.equal(e.text, 'on it');
    assert.equal(e.source, 'command_ack');
  });

  test('respond() after ack goes through response_url: ephemeral by default, in_channel on request', async () => {
    const r = await f.sim.driver.slashCommand({
      channel: dev(),
      user: alice(),
      command: '/liftoff',
      text: 'later',
    });
    const posts = await f.sim.waitFor(() => {
      const p = f.sim.control.responseUrls({ user: alice() }).find((x) => x.url === r.responseUrl)!.posts;
      return p.length > 0 && p;
    });
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.effect, 'posted_ephemeral');
    assert.equal(f.sim.control.ephemerals({ user: alice() }).at(-1)!.text, 'done later');

    await f.sim.driver.slashCommand({ channel: dev(), user: alice(), command: '/liftoff', text: 'public' });
    const m = await f.sim.waitFor(() =>
      f.sim.control.messages(dev()).find((x) => x.text === 'everyone sees this'),
    );
    assert.equal(m.text, 'everyone sees this');
    assert.equal(m.source, 'response_url');
  });

  test('clicking a button echoes its action_id/value/block_id; replace_original updates the message', async () => {
    await f.sim.driver.slashCommand({ channel: dev(), user: alice(), command: '/liftoff', text: 'post' });
    const msg = await f.sim.waitFor(() =>
      f.sim.control.messages(dev()).find((x) => x.text === 'Run 1 is unconfirmed'),
    );
    assert.equal(msg.text, 'Run 1 is unconfirmed');
    const r = await f.sim.driver.clickButton({
      channel: dev(),
      ts: msg.ts,
      user: alice(),
      actionId: 'confirm',
    });
    assert.equal(r.status, 200);
    const body = seen.actions.at(-1)! as {
      type: string;
      actions: Array<{ action_id: string; value: string; block_id: string; type: string }>;
      message: { ts: string; blocks: unknown[] };
      container: { type: string; message_ts: string; channel_id: string; is_ephemeral: boolean };
      channel: { id: string; name: string };
      user: { id: string; username: string };
      team: { id: string; domain: string };
      response_url: string;
      trigger_id: string;
    };
    assert.equal(body.type, 'block_actions');
    assert.deepEqual(
      body.actions.map((a) => [a.action_id, a.value, a.block_id, a.type]),
      [['confirm', 'stack-a/run-1', 'run:1', 'button']],
    );
    assert.equal(body.message.ts, msg.ts);
    assert.deepEqual(body.container, {
      type: 'message',
      message_ts: msg.ts,
      channel_id: dev(),
      is_ephemeral: false,
    });
    assert.deepEqual(body.channel, { id: dev(), name: 'dev-notifications' });
    assert.equal(body.user.id, alice());
    assert.equal(body.team.id, f.demo.team.id);
    assert.equal(body.response_url, r.responseUrl);
    assert.ok(body.trigger_id);

    const after = await f.sim.waitFor(() =>
      f.sim.control.messages(dev()).find((m) => m.ts === msg.ts && m.history.length === 2),
    );
    assert.equal(after.text, `Confirmed by <@${alice()}>`);
    assert.deepEqual(
      after.history.map((h) => h.by),
      ['chat.postMessage', 'response_url'],
    );
  });

  test('a button that is not there is a DriverError, listing the buttons', async () => {
    const msg = f.sim.control.messages(dev()).find((m) => m.text.startsWith('Confirmed'))!;
    await assert.rejects(
      f.sim.driver.clickButton({ channel: dev(), ts: msg.ts, user: alice(), actionId: 'nope' }),
      DriverError,
    );
  });

  test('mis-signed, stale, tampered and header-less requests are refused by Bolt (401)', async () => {
    const cmd = { channel: dev(), user: alice(), command: '/liftoff', text: 'list' };
    const before = seen.commands.length;
    assert.equal((await f.sim.driver.slashCommand(cmd, { signature: 'bad' })).status, 401);
    assert.equal((await f.sim.driver.slashCommand(cmd, { staleBySeconds: 301 })).status, 401);
    assert.equal(
      (await f.sim.driver.slashCommand(cmd, { tamper: (b) => b.replace('text=list', 'text=trigger') }))
        .status,
      401,
    );
    assert.equal(
      (await f.sim.driver.slashCommand(cmd, { signature: 'missing', omitTimestamp: true })).status,
      401,
    );
    assert.equal(seen.commands.length, before);
  });

  test('retries carry X-Slack-Retry-Num / Reason, which Bolt exposes as context.retryNum', async () => {
    const r = await f.sim.driver.slashCommand(
      { channel: dev(), user: alice(), command: '/liftoff', text: 'list' },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    assert.equal(r.request.headers['x-slack-retry-num'], '1');
    assert.equal(r.request.headers['x-slack-retry-reason'], 'http_timeout');
    assert.equal(seen.retryNums.at(-1), 1);
  });

  test('Events API: url_verification, then uninstall sends tokens_revoked and app_uninstalled', async () => {
    const v = await f.sim.driver.urlVerification(f.demo.app.id);
    assert.equal(v.status, 200);
    assert.equal((v.json as { challenge: string }).challenge, v.challenge);

    f.sim.control.uninstall(f.demo.app.id, f.demo.team.id);
    await f.sim.idle();
    assert.deepEqual(seen.events, [`tokens_revoked:${f.install.botUserId}`, 'app_uninstalled']);
    // Slack no longer routes commands to an app that is gone.
    await assert.rejects(
      f.sim.driver.slashCommand({ channel: dev(), user: alice(), command: '/liftoff' }),
      DriverError,
    );
    // Unless the test insists (an app holding a stale installation record).
    const forced = await f.sim.driver.slashCommand(
      { channel: dev(), user: alice(), command: '/liftoff', text: 'list' },
      { evenIfUninstalled: true },
    );
    assert.equal(forced.status, 200);
    const deliveries = f.sim.control.deliveries().filter((d) => d.kind === 'event');
    assert.ok(deliveries.every((d) => d.status === 200));
  });
});

describe('driver timing against a slow app', () => {
  test('Slack gives up after the timeout: timedOut, operation_timeout; a fast app is acked', async () => {
    const f = await demoFixture();
    let slow = true;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (slow) setTimeout(() => res.writeHead(200).end(), 500);
        else res.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      f.sim.control.updateApp(f.demo.app.id, {
        requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      });
      const cmd = {
        channel: f.demo.channels.random.id,
        user: f.demo.users.bob.id,
        command: '/liftoff',
        text: 'help',
      };
      const late = await f.sim.driver.slashCommand(cmd, { timeoutMs: 50 });
      assert.equal(late.timedOut, true);
      assert.equal(late.status, null);
      assert.equal(late.error, 'operation_timeout');
      slow = false;
      const fast = await f.sim.driver.slashCommand(cmd);
      assert.equal(fast.timedOut, false);
      assert.equal(fast.status, 200);
    } finally {
      server.closeAllConnections();
      server.close();
      await f.sim.close();
    }
  });
});

describe('driver payloads for Enterprise Grid org installs', () => {
  test('slash commands and clicks carry enterprise fields and is_enterprise_install', async () => {
    const sim = await startSlackSim({ rateLimits: { mode: 'off' } });
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const org = sim.control.createEnterprise({ name: 'Globex' });
      const team = sim.control.createTeam({ name: 'Globex East', enterpriseId: org.id });
      const ann = sim.control.createUser({ teamId: team.id, name: 'ann' });
      const ch = sim.control.createChannel({ teamId: team.id, name: 'ops', members: [ann.id] });
      const app = sim.control.createApp({
        requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      });
      const inst = sim.control.install({
        appId: app.id,
        enterpriseId: org.id,
        scopes: ['chat:write', 'chat:write.public'],
      });

      const r = await sim.driver.slashCommand({
        channel: ch.id,
        user: ann.id,
        command: '/liftoff',
        text: 'list',
      });
      assert.equal(r.payload.enterprise_id, org.id);
      assert.equal(r.payload.enterprise_name, 'Globex');
      assert.equal(r.payload.team_id, team.id);
      assert.equal(r.payload.is_enterprise_install, 'true');
      assert.equal(new URLSearchParams(bodies.at(-1)).get('enterprise_id'), org.id);

      const client = new WebClient(inst.botToken, {
        slackApiUrl: sim.apiUrl,
        retryConfig: { retries: 0 },
      });
      const posted = await client.chat.postMessage({
        channel: ch.id,
        text: 'x',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }],
          },
        ],
      });
      const click = await sim.driver.clickButton({
        channel: ch.id,
        ts: posted.ts!,
        user: ann.id,
        actionId: 'go',
      });
      assert.equal(click.payload.is_enterprise_install, true);
      assert.deepEqual(click.payload.enterprise, { id: org.id, name: 'Globex' });
      const sent = JSON.parse(new URLSearchParams(bodies.at(-1)).get('payload')!) as {
        team: { enterprise_id: string };
      };
      assert.equal(sent.team.enterprise_id, org.id);

      const ssl = await sim.driver.sslCheck(app.id);
      assert.equal(ssl.status, 200);
      assert.equal(new URLSearchParams(bodies.at(-1)).get('ssl_check'), '1');
    } finally {
      server.closeAllConnections();
      server.close();
      await sim.close();
    }
  });
});

describe('driver: Slack-side rules', () => {
  test('events are redelivered with X-Slack-Retry-Num and the same event_id until the app answers 2xx', async () => {
    const f = await demoFixture();
    const seenHeaders: Array<{ retry: string | undefined; reason: string | undefined; eventId: string }> = [];
    let failures = 2;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seenHeaders.push({
          retry: req.headers['x-slack-retry-num'] as string | undefined,
          reason: req.headers['x-slack-retry-reason'] as string | undefined,
          eventId: (JSON.parse(body) as { event_id: string }).event_id,
        });
        if (failures-- > 0) res.writeHead(500).end();
        else res.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      f.sim.control.updateApp(f.demo.app.id, {
        requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      });
      const r = await f.sim.driver.event(
        { teamId: f.demo.team.id, event: { type: 'app_home_opened', user: f.demo.users.bob.id } },
        { slackRetries: true },
      );
      assert.equal(r.status, 200);
      assert.equal(r.attempts.length, 3);
      assert.deepEqual(
        seenHeaders.map((h) => [h.retry, h.reason]),
        [
          [undefined, undefined],
          ['1', 'http_error'],
          ['2', 'http_error'],
        ],
      );
      assert.equal(new Set(seenHeaders.map((h) => h.eventId)).size, 1);
    } finally {
      server.closeAllConnections();
      server.close();
      await f.sim.close();
    }
  });

  test('people cannot act in archived channels, private channels they are not in, or when deactivated', async () => {
    const f = await demoFixture();
    try {
      f.sim.control.updateApp(f.demo.app.id, { requestUrl: 'http://127.0.0.1:9/never' });
      const cmd = (user: string, channel: string) =>
        f.sim.driver.slashCommand({ user, channel, command: '/liftoff' });
      await assert.rejects(cmd(f.demo.users.bob.id, f.demo.channels.devNotifications.id), DriverError);
      f.sim.control.archiveChannel(f.demo.channels.general.id);
      await assert.rejects(cmd(f.demo.users.alice.id, f.demo.channels.general.id), DriverError);
      f.sim.control.deleteUser(f.demo.users.bob.id);
      await assert.rejects(cmd(f.demo.users.bob.id, f.demo.channels.random.id), DriverError);
      // A request URL nobody listens on: Slack reports dispatch_failed.
      const r = await cmd(f.demo.users.alice.id, f.demo.channels.random.id);
      assert.equal(r.status, null);
      assert.match(r.error!, /^dispatch_failed/);
    } finally {
      await f.sim.close();
    }
  });
});
