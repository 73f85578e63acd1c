import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '@slack/bolt';
import { DriverError } from '../src/index.js';
import { BOT_SCOPES, demoFixture, platformError, quietLogger } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { Fixture } from './helpers.js';

const RUN = 'https://liftoff.example.com/stacks/prod/runs/7';

describe('link unfurling: link_shared → chat.unfurl, with a real Bolt app', () => {
  let f: Fixture;
  let bolt: App;
  const events: Array<Record<string, unknown>> = [];
  const clicks: Array<Record<string, unknown>> = [];

  before(async () => {
    f = await demoFixture({ scopes: [...BOT_SCOPES, 'links:read', 'links:write', 'channels:history'] });
    bolt = new App({
      token: f.install.botToken,
      signingSecret: f.demo.app.signingSecret,
      clientOptions: { slackApiUrl: f.sim.apiUrl, retryConfig: { retries: 0 } },
      logger: quietLogger,
    });
    bolt.event('link_shared', async ({ event, client }) => {
      events.push(event as unknown as Record<string, unknown>);
      const unfurls = Object.fromEntries(
        event.links.map((l) => [
          l.url,
          {
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text: `*Run 7* on prod: UNCONFIRMED` } },
              {
                type: 'actions',
                elements: [
                  {
                    type: 'button',
                    action_id: 'confirm',
                    value: 'run-7',
                    text: { type: 'plain_text', text: 'Confirm' },
                  },
                ],
              },
            ],
          },
        ]),
      );
      await client.chat.unfurl({ channel: event.channel, ts: event.message_ts, unfurls });
    });
    bolt.action('confirm', async ({ ack, body }) => {
      await ack();
      clicks.push(body as unknown as Record<string, unknown>);
    });
    const server = (await bolt.start(0)) as unknown as { address(): AddressInfo };
    f.sim.control.updateApp(f.demo.app.id, {
      requestUrl: `http://127.0.0.1:${server.address().port}/slack/events`,
      unfurlDomains: ['liftoff.example.com'],
    });
    f.sim.control.inviteBot(f.demo.channels.general.id, f.demo.app.id);
  });
  after(async () => {
    await bolt.stop();
    await f.sim.close();
  });
  const general = () => f.demo.channels.general.id;
  const alice = () => f.demo.users.alice.id;

  test('a person links a run: the app hears of its own domain only, unfurls, and the preview shows under the message', async () => {
    const posted = await f.sim.driver.postMessage({
      user: alice(),
      channel: general(),
      text: `look at <${RUN}> and https://other.example.org/x`,
    });
    assert.equal(posted.linkShared.length, 1);
    assert.equal(posted.linkShared[0]!.status, 200);
    const event = events.at(-1)!;
    assert.equal(event.channel, general());
    assert.equal(event.message_ts, posted.message.ts);
    assert.equal(event.user, alice());
    assert.equal(event.source, 'conversations_history');
    assert.equal(event.is_bot_user_member, true);
    assert.match(
      String(event.unfurl_id),
      new RegExp(`^${general()}\\.${posted.message.ts.replace('.', '\\.')}\\.`),
    );
    assert.deepEqual(event.links, [{ domain: 'liftoff.example.com', url: RUN }]);

    await f.sim.waitFor(() => posted.message.unfurls.length === 1, { what: 'the unfurl' });
    const h = await f.client.conversations.history({ channel: general(), limit: 1 });
    const preview = h.messages![0]!.attachments![0]! as Record<string, unknown>;
    assert.equal(preview.app_unfurl_url, RUN);
    assert.equal(preview.is_app_unfurl, true);
    assert.equal(preview.app_id, f.demo.app.id);

    // A button in the preview goes to the app that unfurled it.
    await f.sim.driver.clickButton({
      channel: general(),
      ts: posted.message.ts,
      user: alice(),
      actionId: 'confirm',
    });
    const container = clicks.at(-1)!.container as Record<string, unknown>;
    assert.equal(container.type, 'message_attachment');
    assert.equal(container.is_app_unfurl, true);
    assert.equal(container.app_unfurl_url, RUN);

    const page = await (await fetch(`${f.sim.url}/_sim/ui?user=${alice()}&channel=${general()}`)).text();
    assert.match(page, /preview of https:\/\/liftoff\.example\.com\/stacks\/prod\/runs\/7/);
  });

  test('unfurl_id + source name the message too; errors as Slack names them', async () => {
    const posted = await f.sim.driver.postMessage({
      user: alice(),
      channel: general(),
      text: `runs: https://app.liftoff.example.com/r/1 and https://other.example.org/y`,
    });
    const share = posted.message.linkShares[0]!;
    assert.deepEqual(share.links, [
      { domain: 'liftoff.example.com', url: 'https://app.liftoff.example.com/r/1' },
    ]);
    const card = { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'card' } }] };
    await f.client.chat.unfurl({
      unfurl_id: share.unfurlId,
      source: 'conversations_history',
      unfurls: { 'https://app.liftoff.example.com/r/1': card },
    } as never);
    assert.equal(posted.message.unfurls.length, 1);

    const unfurl = (args: Record<string, unknown>) => platformError(f.client.apiCall('chat.unfurl', args));
    const ts = posted.message.ts;
    assert.equal(
      (await unfurl({ channel: general(), ts, unfurls: { 'https://other.example.org/y': card } })).error,
      'cannot_unfurl_url',
    );
    assert.equal(
      (await unfurl({ channel: general(), ts, unfurls: { 'https://liftoff.example.com/elsewhere': card } }))
        .error,
      'cannot_unfurl_message',
    );
    assert.equal((await unfurl({ channel: general(), ts })).error, 'missing_unfurls');
    assert.equal(
      (await unfurl({ channel: general(), ts, unfurls: '{nope' })).error,
      'invalid_unfurls_format',
    );
    assert.equal(
      (await unfurl({ channel: general(), ts: '1.000001', unfurls: {} })).error,
      'cannot_find_message',
    );
    assert.equal((await unfurl({ channel: 'CNOPE', ts, unfurls: {} })).error, 'cannot_find_channel');
    assert.equal(
      (await unfurl({ unfurl_id: 'C1.2.3', source: 'conversations_history', unfurls: {} })).error,
      'invalid_unfurl_id',
    );
    assert.equal(
      (await unfurl({ unfurl_id: share.unfurlId, source: 'sideways', unfurls: {} })).error,
      'invalid_source',
    );
    assert.equal((await unfurl({ unfurl_id: share.unfurlId, unfurls: {} })).error, 'missing_source');
    assert.equal((await unfurl({ ts, unfurls: {} })).error, 'missing_channel');
  });

  test('no link_shared where the app cannot look: private channels without the bot, or without links:read', async () => {
    const secret = f.sim.control.createChannel({
      teamId: f.demo.team.id,
      name: 'secret',
      isPrivate: true,
      members: [alice()],
    });
    const r = await f.sim.driver.postMessage({ user: alice(), channel: secret.id, text: RUN });
    assert.deepEqual(r.linkShared, []);
    // Public channels reach the app even when its bot is not a member.
    const random = await f.sim.driver.postMessage({
      user: alice(),
      channel: f.demo.channels.random.id,
      text: RUN,
    });
    assert.equal(random.linkShared.length, 1);
    assert.equal(events.at(-1)!.is_bot_user_member, false);
    await assert.rejects(
      f.sim.driver.postMessage({
        user: f.demo.users.bob.id,
        channel: f.demo.channels.devNotifications.id,
        text: 'x',
      }),
      DriverError,
    );

    // An install without links:read hears nothing; one without links:write may not unfurl.
    const other = await demoFixture({ scopes: [...BOT_SCOPES, 'links:write'] });
    try {
      other.sim.control.updateApp(other.demo.app.id, { unfurlDomains: ['liftoff.example.com'] });
      const none = await other.sim.driver.postMessage({
        user: other.demo.users.alice.id,
        channel: other.demo.channels.general.id,
        text: RUN,
      });
      assert.deepEqual(none.linkShared, []);
    } finally {
      await other.sim.close();
    }
    const readOnly = await demoFixture({ scopes: [...BOT_SCOPES, 'links:read'] });
    try {
      const e = await platformError(
        readOnly.client.chat.unfurl({
          channel: readOnly.demo.channels.general.id,
          ts: '1.000001',
          unfurls: {},
        }),
      );
      assert.equal(e.error, 'missing_scope');
      assert.equal(e.needed, 'links:write');
    } finally {
      await readOnly.sim.close();
    }
  });
});
