import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { startSlackSim } from '../src/index.js';
import { webClient } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { SlackSim } from '../src/index.js';

describe('control API over HTTP', () => {
  let sim: SlackSim;
  const control = async <T>(op: string, ...args: unknown[]): Promise<T> => {
    const res = await fetch(`${sim.url}/_sim/control/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${op}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  before(async () => {
    sim = await startSlackSim({ rateLimits: { mode: 'off' } });
  });
  after(() => sim.close());

  test('seed, install, post, inspect, drive — all over HTTP', async () => {
    const team = await control<{ id: string }>('createTeam', { name: 'Initech' });
    const peter = await control<{ id: string }>('createUser', {
      teamId: team.id,
      name: 'peter',
      isAdmin: true,
    });
    const ch = await control<{ id: string }>('createChannel', {
      teamId: team.id,
      name: 'tps',
      isPrivate: true,
      members: [peter.id],
    });
    const app = await control<{ id: string; signingSecret: string }>('createApp', { name: 'Liftoff' });
    const inst = await control<{ botToken: string }>('install', {
      appId: app.id,
      teamId: team.id,
      scopes: ['chat:write'],
    });
    await control('inviteBot', ch.id, app.id);
    await webClient(sim, inst.botToken).chat.postMessage({ channel: ch.id, text: 'hello' });

    const messages = (await (await fetch(`${sim.url}/_sim/channels/${ch.id}/messages`)).json()) as Array<{
      text: string;
    }>;
    assert.deepEqual(
      messages.map((m) => m.text),
      ['hello'],
    );
    const calls = (await (await fetch(`${sim.url}/_sim/calls?method=chat.postMessage`)).json()) as Array<{
      ok: boolean;
    }>;
    assert.equal(calls.length, 1);
    const state = (await (await fetch(`${sim.url}/_sim/state`)).json()) as {
      teams: unknown[];
      installations: unknown[];
    };
    assert.equal(state.teams.length, 1);
    assert.equal(state.installations.length, 1);

    // Drive a command to a small app over HTTP, with a tampered body.
    const received: string[] = [];
    const appServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"ok"}');
      });
    });
    appServer.listen(0, '127.0.0.1');
    await once(appServer, 'listening');
    try {
      await control('updateApp', app.id, {
        requestUrl: `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/slack/events`,
      });
      const res = await fetch(`${sim.url}/_sim/driver/slashCommand`, {
        method: 'POST',
        body: JSON.stringify([
          { channel: ch.id, user: peter.id, command: '/liftoff', text: 'help' },
          { tamperBody: 'text=evil' },
        ]),
      });
      assert.equal(res.status, 200);
      const result = (await res.json()) as { status: number; responseUrl: string };
      assert.equal(result.status, 200);
      assert.equal(received.at(-1), 'text=evil');
    } finally {
      appServer.closeAllConnections();
      appServer.close();
    }

    const missing = await fetch(`${sim.url}/_sim/control/archiveChannel`, {
      method: 'POST',
      body: '["CNOPE"]',
    });
    assert.equal(missing.status, 404);
    const unknown = await fetch(`${sim.url}/_sim/control/hack`, { method: 'POST', body: '[]' });
    assert.equal(unknown.status, 404);

    assert.equal((await fetch(`${sim.url}/_sim/reset`, { method: 'POST' })).status, 200);
    assert.equal(sim.control.state().teams.length, 0);
  });
});

describe('CLI', () => {
  test('starts with the demo workspace and prints how to use it', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/slack-sim/src/cli.ts', '--port', '0', '--json'],
      {
        cwd: new URL('../../..', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      let out = '';
      for await (const chunk of child.stdout) {
        out += String(chunk);
        if (out.includes('\n')) break;
      }
      const info = JSON.parse(out) as {
        apiUrl: string;
        team: { name: string };
        channels: Record<string, { name: string; isPrivate: boolean }>;
        users: Record<string, { isAdmin: boolean }>;
      };
      assert.equal(info.team.name, 'Acme');
      assert.equal(info.channels.devNotifications!.name, 'dev-notifications');
      assert.equal(info.channels.devNotifications!.isPrivate, true);
      assert.equal(info.users.alice!.isAdmin, true);
      assert.equal(info.users.bob!.isAdmin, false);
      const res = await fetch(`${info.apiUrl}auth.test`, { method: 'POST' });
      assert.equal(((await res.json()) as { error: string }).error, 'not_authed');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
