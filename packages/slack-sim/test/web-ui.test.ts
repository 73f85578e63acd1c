import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { demoFixture } from './helpers.js';
import type { AddressInfo } from 'node:net';

describe('web UI for the demo (/_sim/ui)', () => {
  test('shows channels and messages, runs commands and clicks buttons through the driver', async () => {
    const f = await demoFixture();
    const clicks: string[] = [];
    // An app that answers every command with a button and records clicks.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const payload = form.get('payload');
        if (payload) {
          clicks.push(
            (JSON.parse(payload) as { actions: Array<{ action_id: string }> }).actions[0]!.action_id,
          );
          return res.writeHead(200).end();
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            response_type: 'in_channel',
            text: `you said ${form.get('text')}`,
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text: `*you said* ${form.get('text')}` } },
              {
                type: 'actions',
                elements: [
                  {
                    type: 'button',
                    action_id: 'ok',
                    style: 'primary',
                    text: { type: 'plain_text', text: 'OK' },
                  },
                ],
              },
            ],
          }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      f.sim.control.updateApp(f.demo.app.id, {
        requestUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      });
      const alice = f.demo.users.alice.id;
      const random = f.demo.channels.random.id;
      const page = await (await fetch(`${f.sim.url}/_sim/ui?user=${alice}&channel=${random}`)).text();
      assert.match(page, /dev-notifications/);
      assert.match(page, /No messages yet/);

      const sent = await fetch(`${f.sim.url}/_sim/ui/command`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user: alice,
          channel: random,
          command: '/liftoff hello <world>',
        }).toString(),
      });
      assert.equal(sent.status, 303);
      const after = await (await fetch(new URL(sent.headers.get('location')!, f.sim.url))).text();
      assert.match(after, /<b>you said<\/b> hello &#60;world&#62;/);
      assert.doesNotMatch(after, /<world>/);

      const m = f.sim.control.messages(random).at(-1)!;
      const clicked = await fetch(`${f.sim.url}/_sim/ui/click`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user: alice,
          channel: random,
          ts: m.ts,
          action_id: 'ok',
          block_id: String(m.blocks![1]!.block_id),
        }).toString(),
      });
      assert.equal(clicked.status, 303);
      assert.deepEqual(clicks, ['ok']);

      // Driver refusals come back as a notice, not an error page.
      const refused = await fetch(`${f.sim.url}/_sim/ui/command`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user: f.demo.users.bob.id,
          channel: f.demo.channels.devNotifications.id,
          command: '/liftoff x',
        }).toString(),
      });
      const notice = new URL(refused.headers.get('location')!, f.sim.url).searchParams.get('notice');
      assert.match(notice!, /not in private channel/);
    } finally {
      server.closeAllConnections();
      server.close();
      await f.sim.close();
    }
  });
});
