import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES } from '../src/index.js';
import { demoFixture } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { Fixture } from './helpers.js';

/** POST to a response_url the way Bolt's respond() does. */
function respond(url: string, body: Record<string, unknown>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('response_url', () => {
  let f: Fixture;
  let close: () => void;
  before(async () => {
    f = await demoFixture();
    // An app that acks with an empty 200 and does everything through response_url.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    close = () => {
      server.closeAllConnections();
      server.close();
    };
    f.sim.control.updateApp(f.demo.app.id, {
      requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    });
  });
  after(async () => {
    close();
    await f.sim.close();
  });

  const command = () =>
    f.sim.driver.slashCommand({
      channel: f.demo.channels.random.id,
      user: f.demo.users.bob.id,
      command: '/liftoff',
      text: 'x',
    });

  test('ephemeral by default, to the invoking user only; in_channel posts a message', async () => {
    const { responseUrl } = await command();
    assert.equal((await respond(responseUrl, { text: 'only bob' })).status, 200);
    const e = f.sim.control.ephemerals({ user: f.demo.users.bob.id }).at(-1)!;
    assert.equal(e.text, 'only bob');
    assert.equal(e.channel, f.demo.channels.random.id);
    assert.equal(
      (await respond(responseUrl, { text: 'all of #random', response_type: 'in_channel' })).status,
      200,
    );
    const m = f.sim.control.messages(f.demo.channels.random.id).at(-1)!;
    assert.equal(m.text, 'all of #random');
    assert.equal(m.botId, f.install.botId);
  });

  test('a command response can replace and then delete what it posted', async () => {
    const { responseUrl } = await command();
    await respond(responseUrl, { text: 'working…' });
    await respond(responseUrl, { text: 'done', replace_original: true });
    const e = f.sim.control.ephemerals({ user: f.demo.users.bob.id }).at(-1)!;
    assert.equal(e.text, 'done');
    assert.deepEqual(
      e.history.map((h) => h.text),
      ['working…', 'done'],
    );
    await respond(responseUrl, { delete_original: true });
    assert.equal(
      f.sim.control.ephemerals({ user: f.demo.users.bob.id, includeDeleted: true }).at(-1)!.deleted,
      true,
    );
  });

  test('an action response replaces or deletes the clicked message', async () => {
    const posted = await f.client.chat.postMessage({
      channel: f.demo.channels.random.id,
      text: 'pick',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, value: 'go' }],
        },
      ],
    });
    // Slack fills in block_id and action_id when the app leaves them out.
    const stored = f.sim.control.messages(f.demo.channels.random.id).find((m) => m.ts === posted.ts)!;
    const block = stored.blocks![0]! as unknown as {
      block_id: string;
      elements: Array<{ action_id: string }>;
    };
    assert.ok(block.block_id);
    assert.ok(block.elements[0]!.action_id);

    const click = await f.sim.driver.clickButton({
      channel: f.demo.channels.random.id,
      ts: posted.ts!,
      user: f.demo.users.bob.id,
      value: 'go',
    });
    const payload = click.payload as { actions: Array<{ block_id: string; action_id: string }> };
    assert.equal(payload.actions[0]!.block_id, block.block_id);
    assert.equal(payload.actions[0]!.action_id, block.elements[0]!.action_id);

    await respond(click.responseUrl, { text: 'gone', replace_original: true });
    assert.equal(
      f.sim.control.messages(f.demo.channels.random.id).find((m) => m.ts === posted.ts)!.text,
      'gone',
    );
    await respond(click.responseUrl, { delete_original: true });
    assert.equal(
      f.sim.control.messages(f.demo.channels.random.id).find((m) => m.ts === posted.ts),
      undefined,
    );
  });

  test('buttons inside attachment blocks (coloured run messages): container message_attachment', async () => {
    const posted = await f.client.chat.postMessage({
      channel: f.demo.channels.random.id,
      text: 'stack: run 1 is UNCONFIRMED',
      attachments: [
        {
          color: '#e8a33d',
          fallback: 'stack: run 1 is UNCONFIRMED',
          blocks: [
            { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '*stack* run 1' } },
            {
              type: 'actions',
              block_id: 'liftoff_run_actions',
              elements: [
                {
                  type: 'button',
                  action_id: 'liftoff_run_confirm',
                  value: 'stack/1',
                  text: { type: 'plain_text', text: 'Confirm' },
                },
              ],
            },
          ],
        },
      ],
    });
    const click = await f.sim.driver.clickButton({
      channel: f.demo.channels.random.id,
      ts: posted.ts!,
      user: f.demo.users.bob.id,
      actionId: 'liftoff_run_confirm',
    });
    const p = click.payload as {
      container: Record<string, unknown>;
      actions: Array<{ block_id: string; value: string }>;
      message: { attachments: Array<{ id: number; color: string }> };
    };
    assert.deepEqual(p.container, {
      type: 'message_attachment',
      message_ts: posted.ts,
      attachment_id: 1,
      channel_id: f.demo.channels.random.id,
      is_ephemeral: false,
      is_app_unfurl: false,
    });
    assert.equal(p.actions[0]!.block_id, 'liftoff_run_actions');
    assert.equal(p.actions[0]!.value, 'stack/1');
    assert.equal(p.message.attachments[0]!.id, 1);
    assert.equal(p.message.attachments[0]!.color, '#e8a33d');
  });

  test('commands in a DM: channel_name directmessage; the answer lands in that DM', async () => {
    const dm = f.sim.control.directMessage(f.demo.users.alice.id, f.demo.users.bob.id);
    const r = await f.sim.driver.slashCommand({
      channel: dm.id,
      user: f.demo.users.bob.id,
      command: '/liftoff',
      text: 'help',
    });
    assert.equal(r.payload.channel_id, dm.id);
    assert.equal(r.payload.channel_name, 'directmessage');
    await respond(r.responseUrl, { text: 'help text' });
    assert.equal(f.sim.control.ephemerals({ channel: dm.id }).at(-1)!.text, 'help text');
  });

  test(`at most ${RESPONSE_URL_MAX_USES} uses`, async () => {
    const { responseUrl } = await command();
    for (let i = 0; i < RESPONSE_URL_MAX_USES; i++)
      assert.equal((await respond(responseUrl, { text: `#${i}` })).status, 200);
    const sixth = await respond(responseUrl, { text: 'again' });
    assert.equal(sixth.status, 404);
    assert.deepEqual(await sixth.json(), { ok: false, error: 'used_url' });
  });

  test('expires after 30 minutes', async () => {
    const { responseUrl } = await command();
    f.sim.control.advanceClock(RESPONSE_URL_LIFETIME_MS + 1);
    const late = await respond(responseUrl, { text: 'too late' });
    assert.equal(late.status, 404);
    assert.deepEqual(await late.json(), { ok: false, error: 'expired_url' });
    const r = f.sim.control.responseUrls().find((x) => x.url === responseUrl)!;
    assert.equal(r.posts.at(-1)!.error, 'expired_url');
  });

  test('unknown URLs and bad bodies are refused', async () => {
    assert.equal((await respond(`${f.sim.url}/commands/T1/1/nope`, { text: 'x' })).status, 404);
    const { responseUrl } = await command();
    const bad = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(bad.status, 400);
    assert.equal((await respond(responseUrl, {})).status, 400);
  });
});
