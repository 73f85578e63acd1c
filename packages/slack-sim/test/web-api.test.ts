import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSlackSim } from '../src/index.js';
import { demoFixture, platformError, webClient } from './helpers.js';
import type { Fixture } from './helpers.js';

describe('Web API through the real @slack/web-api WebClient', () => {
  let f: Fixture;
  before(async () => {
    f = await demoFixture();
  });
  after(() => f.sim.close());

  test('auth.test identifies the bot of the installation', async () => {
    const r = await f.client.auth.test();
    assert.equal(r.ok, true);
    assert.equal(r.team_id, f.demo.team.id);
    assert.equal(r.team, 'Acme');
    assert.equal(r.user_id, f.install.botUserId);
    assert.equal(r.bot_id, f.install.botId);
    assert.equal(r.url, 'https://acme.slack.com/');
    assert.equal(r.is_enterprise_install, false);
  });

  test('team.info and the team_id argument per-team clients add', async () => {
    const perTeam = webClient(f.sim, f.install.botToken, { teamId: f.demo.team.id });
    const r = await perTeam.team.info();
    assert.equal(r.team?.id, f.demo.team.id);
    assert.equal(r.team?.domain, 'acme');
    const call = f.sim.control.apiCalls({ method: 'team.info' }).at(-1)!;
    assert.equal(call.params.team_id, f.demo.team.id);
    assert.equal(call.token, f.install.botToken);
  });

  test('users.info returns full user objects', async () => {
    const { user } = await f.client.users.info({ user: f.demo.users.alice.id });
    assert.ok(user);
    assert.equal(user.id, f.demo.users.alice.id);
    assert.equal(user.name, 'alice');
    assert.equal(user.is_admin, true);
    assert.equal(user.has_2fa, true);
    assert.equal(user.deleted, false);
    assert.equal(user.profile?.display_name, 'alice');
    assert.equal(user.profile?.real_name, 'Alice Admin');
    assert.equal(user.team_id, f.demo.team.id);
    const bob = await f.client.users.info({ user: f.demo.users.bob.id });
    assert.equal(bob.user?.is_admin, false);
    assert.deepEqual((await platformError(f.client.users.info({ user: 'UNOPE' }))).error, 'user_not_found');
  });

  test('users.info of a deleted user shows deleted: true', async () => {
    const carol = f.sim.control.createUser({ teamId: f.demo.team.id, name: 'carol' });
    f.sim.control.deleteUser(carol.id);
    const r = await f.client.users.info({ user: carol.id });
    assert.equal(r.user?.deleted, true);
  });

  test('conversations.info: a private channel the bot is not in does not exist for it', async () => {
    const dev = f.demo.channels.devNotifications.id;
    assert.equal(
      (await platformError(f.client.conversations.info({ channel: dev }))).error,
      'channel_not_found',
    );
    const random = await f.client.conversations.info({ channel: f.demo.channels.random.id });
    assert.equal(random.channel?.is_member, false);
    assert.equal(random.channel?.is_private, false);
    f.sim.control.inviteBot(dev, f.demo.app.id);
    const r = await f.client.conversations.info({ channel: dev });
    assert.equal(r.channel?.name, 'dev-notifications');
    assert.equal(r.channel?.is_private, true);
    assert.equal(r.channel?.is_member, true);
    f.sim.control.leaveChannel(dev, f.install.botUserId);
  });

  test('chat.postMessage with blocks (form-encoded JSON) and chat.update keep an edit history', async () => {
    const blocks = [
      { type: 'section', block_id: 'head', text: { type: 'mrkdwn', text: '*Run* queued' } },
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          {
            type: 'button',
            action_id: 'confirm',
            value: 'run-1',
            text: { type: 'plain_text', text: 'Confirm' },
          },
        ],
      },
    ];
    const posted = await f.client.chat.postMessage({
      channel: f.demo.channels.random.id,
      text: 'Run queued',
      blocks,
    });
    assert.equal(posted.channel, f.demo.channels.random.id);
    assert.match(posted.ts!, /^\d+\.\d{6}$/);
    assert.deepEqual(posted.message?.blocks, blocks);
    assert.equal(posted.message?.bot_id, f.install.botId);

    const updated = await f.client.chat.update({
      channel: posted.channel!,
      ts: posted.ts!,
      text: 'Run finished',
    });
    assert.equal(updated.text, 'Run finished');
    const [m] = f.sim.control.messages(f.demo.channels.random.id).filter((x) => x.ts === posted.ts);
    assert.ok(m);
    assert.equal(m.text, 'Run finished');
    // Omitted blocks are kept, as on Slack.
    assert.deepEqual(m.blocks, blocks);
    assert.deepEqual(
      m.history.map((h) => [h.by, h.text]),
      [
        ['chat.postMessage', 'Run queued'],
        ['chat.update', 'Run finished'],
      ],
    );
    assert.ok(m.edited);
    const call = f.sim.control.apiCalls({ method: 'chat.postMessage' }).at(-1)!;
    assert.equal(call.contentType, 'application/x-www-form-urlencoded');
    assert.ok(Array.isArray(call.params.blocks) || typeof call.params.blocks === 'string');
  });

  test('message ts values strictly increase', async () => {
    const a = await f.client.chat.postMessage({ channel: f.demo.channels.general.id, text: 'a' });
    const b = await f.client.chat.postMessage({ channel: f.demo.channels.general.id, text: 'b' });
    assert.ok(Number(b.ts) > Number(a.ts));
  });

  test('chat.update errors: message_not_found, cant_update_message', async () => {
    assert.equal(
      (
        await platformError(
          f.client.chat.update({ channel: f.demo.channels.random.id, ts: '1.000001', text: 'x' }),
        )
      ).error,
      'message_not_found',
    );
    const other = f.sim.control.createApp({ name: 'Other' });
    const otherInstall = f.sim.control.install({
      appId: other.id,
      teamId: f.demo.team.id,
      scopes: ['chat:write', 'chat:write.public'],
    });
    const theirs = await webClient(f.sim, otherInstall.botToken).chat.postMessage({
      channel: f.demo.channels.random.id,
      text: 'mine',
    });
    assert.equal(
      (
        await platformError(
          f.client.chat.update({ channel: theirs.channel!, ts: theirs.ts!, text: 'hijack' }),
        )
      ).error,
      'cant_update_message',
    );
  });

  test('chat:write.public: public channels without membership need it; private ones are invisible', async () => {
    const narrow = f.sim.control.createApp({ name: 'Narrow' });
    const inst = f.sim.control.install({ appId: narrow.id, teamId: f.demo.team.id, scopes: ['chat:write'] });
    const c = webClient(f.sim, inst.botToken);
    assert.equal(
      (await platformError(c.chat.postMessage({ channel: f.demo.channels.random.id, text: 'hi' }))).error,
      'not_in_channel',
    );
    f.sim.control.inviteBot(f.demo.channels.random.id, narrow.id);
    assert.equal((await c.chat.postMessage({ channel: f.demo.channels.random.id, text: 'hi' })).ok, true);
    // With chat:write.public, a private channel the bot is not in is still not found.
    assert.equal(
      (
        await platformError(
          f.client.chat.postMessage({ channel: f.demo.channels.devNotifications.id, text: 'hi' }),
        )
      ).error,
      'channel_not_found',
    );
    assert.equal(
      (await platformError(f.client.chat.postMessage({ channel: 'CNOPE', text: 'hi' }))).error,
      'channel_not_found',
    );
  });

  test('archived channels answer is_archived', async () => {
    const ch = f.sim.control.createChannel({ teamId: f.demo.team.id, name: 'old-stuff' });
    f.sim.control.archiveChannel(ch.id);
    assert.equal(
      (await platformError(f.client.chat.postMessage({ channel: ch.id, text: 'hi' }))).error,
      'is_archived',
    );
  });

  test('chat.postEphemeral reaches one user who is in the channel', async () => {
    const r = await f.client.chat.postEphemeral({
      channel: f.demo.channels.random.id,
      user: f.demo.users.bob.id,
      text: 'psst',
    });
    assert.ok(r.message_ts);
    const eph = f.sim.control.ephemerals({ user: f.demo.users.bob.id });
    assert.equal(eph.at(-1)?.text, 'psst');
    const loner = f.sim.control.createUser({ teamId: f.demo.team.id, name: 'loner' });
    assert.equal(
      (
        await platformError(
          f.client.chat.postEphemeral({ channel: f.demo.channels.random.id, user: loner.id, text: 'x' }),
        )
      ).error,
      'user_not_in_channel',
    );
  });

  test('missing_scope reports needed and provided', async () => {
    const app = f.sim.control.createApp({ name: 'Scopeless' });
    const inst = f.sim.control.install({ appId: app.id, teamId: f.demo.team.id, scopes: ['chat:write'] });
    const data = await platformError(
      webClient(f.sim, inst.botToken).users.info({ user: f.demo.users.alice.id }),
    );
    assert.equal(data.error, 'missing_scope');
    assert.equal(data.needed, 'users:read');
    assert.equal(data.provided, 'chat:write');
  });

  test('token errors: not_authed, invalid_auth, token_revoked, token_expired, account_inactive', async () => {
    assert.equal((await platformError(webClient(f.sim).auth.test())).error, 'not_authed');
    assert.equal((await platformError(webClient(f.sim, 'xoxb-nope').auth.test())).error, 'invalid_auth');

    const app = f.sim.control.createApp({ name: 'Doomed' });
    const a = f.sim.control.install({ appId: app.id, teamId: f.demo.team.id, scopes: ['chat:write'] });
    f.sim.control.expireToken(a.botToken);
    assert.equal((await platformError(webClient(f.sim, a.botToken).auth.test())).error, 'token_expired');
    f.sim.control.revokeToken(a.botToken, { notify: false });
    assert.equal((await platformError(webClient(f.sim, a.botToken).auth.test())).error, 'token_revoked');

    const gone = f.sim.control.createTeam({ name: 'Gone' });
    f.sim.control.createUser({ teamId: gone.id, name: 'x' });
    const g = f.sim.control.install({ appId: app.id, teamId: gone.id, scopes: ['chat:write'] });
    f.sim.control.deleteTeam(gone.id);
    assert.equal((await platformError(webClient(f.sim, g.botToken).auth.test())).error, 'account_inactive');
  });

  test('auth.revoke revokes the token (test=true does not)', async () => {
    const app = f.sim.control.createApp({ name: 'Revoker' });
    const a = f.sim.control.install({ appId: app.id, teamId: f.demo.team.id, scopes: ['chat:write'] });
    const c = webClient(f.sim, a.botToken);
    // The SDK's response type omits `revoked`, which Slack documents.
    const revoked = async (test?: boolean) =>
      ((await c.auth.revoke(test ? { test } : {})) as { revoked?: boolean }).revoked;
    assert.equal(await revoked(true), false);
    assert.equal(await revoked(), true);
    assert.equal((await platformError(c.auth.test())).error, 'token_revoked');
    assert.equal(f.sim.control.installations(app.id)[0]?.active, false);
  });

  test('with rotation, revoking one access token revokes the grant (older tokens too)', async () => {
    const app = f.sim.control.createApp({ name: 'Rotating', tokenRotation: true });
    const a = f.sim.control.install({ appId: app.id, teamId: f.demo.team.id, scopes: ['chat:write'] });
    const refreshed = await webClient(f.sim).oauth.v2.access({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: a.refreshToken!,
    });
    assert.equal((await webClient(f.sim, a.botToken).auth.test()).ok, true);
    await webClient(f.sim, refreshed.access_token).auth.revoke();
    assert.equal((await platformError(webClient(f.sim, a.botToken).auth.test())).error, 'token_revoked');
    assert.equal(f.sim.control.installations(app.id)[0]?.active, false);
    const again = await platformError(
      webClient(f.sim).oauth.v2.access({
        client_id: app.clientId,
        client_secret: app.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: a.refreshToken!,
      }),
    );
    assert.equal(again.error, 'invalid_refresh_token');
  });

  test('JSON bodies need the bearer header; form bodies may carry the token', async () => {
    const viaJson = await fetch(`${f.sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${f.install.botToken}`,
      },
      body: JSON.stringify({
        channel: f.demo.channels.general.id,
        text: 'json',
        blocks: [{ type: 'divider' }],
      }),
    });
    const body = (await viaJson.json()) as { ok: boolean; message: { blocks: unknown[] } };
    assert.equal(body.ok, true);
    assert.equal(body.message.blocks.length, 1);

    const tokenInJson = await fetch(`${f.sim.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: f.install.botToken }),
    });
    assert.equal(((await tokenInJson.json()) as { error: string }).error, 'not_authed');

    const form = await fetch(`${f.sim.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: f.install.botToken }).toString(),
    });
    assert.equal(((await form.json()) as { ok: boolean }).ok, true);
    assert.equal(form.headers.get('x-oauth-scopes'), f.install.scopes.join(','));
  });

  test('bad blocks, empty messages and unknown methods answer like Slack', async () => {
    const raw = (body: Record<string, string>) =>
      fetch(`${f.sim.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${f.install.botToken}`,
        },
        body: new URLSearchParams(body).toString(),
      }).then((r) => r.json() as Promise<{ ok: boolean; error: string }>);
    assert.equal(
      (await raw({ channel: f.demo.channels.general.id, blocks: '[{' })).error,
      'invalid_blocks_format',
    );
    assert.equal(
      (await raw({ channel: f.demo.channels.general.id, blocks: '[{"text":"no type"}]' })).error,
      'invalid_blocks',
    );
    assert.equal((await raw({ channel: f.demo.channels.general.id })).error, 'no_text');
    const unknown = await fetch(`${f.sim.apiUrl}chat.nope`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.install.botToken}` },
    });
    assert.equal(unknown.status, 200);
    assert.equal(((await unknown.json()) as { error: string }).error, 'unknown_method');
  });

  test('direct messages: posting to a user id opens the app DM; other DMs are invisible', async () => {
    const r = await f.client.chat.postMessage({ channel: f.demo.users.bob.id, text: 'hi bob' });
    assert.match(r.channel!, /^D/);
    assert.equal(f.sim.control.messages(r.channel!).at(-1)!.text, 'hi bob');
    assert.equal(f.sim.control.appDirectMessage(f.demo.app.id, f.demo.users.bob.id).id, r.channel);
    // conversations.info on a DM needs im:read, which the demo scopes do not include.
    const data = await platformError(f.client.conversations.info({ channel: r.channel! }));
    assert.equal(data.error, 'missing_scope');
    assert.equal(data.needed, 'im:read');

    const app = f.sim.control.createApp({ name: 'Reader' });
    const inst = f.sim.control.install({
      appId: app.id,
      teamId: f.demo.team.id,
      scopes: ['im:read', 'chat:write'],
    });
    const reader = webClient(f.sim, inst.botToken);
    const own = await reader.chat.postMessage({ channel: f.demo.users.alice.id, text: 'hello' });
    const info = await reader.conversations.info({ channel: own.channel! });
    assert.equal(info.channel?.is_im, true);
    assert.equal((info.channel as { user?: string } | undefined)?.user, f.demo.users.alice.id);
    const people = f.sim.control.directMessage(f.demo.users.alice.id, f.demo.users.bob.id);
    assert.equal(
      (await platformError(reader.conversations.info({ channel: people.id }))).error,
      'channel_not_found',
    );
  });

  test('GET with query arguments, malformed JSON, and per-kind scopes of conversations.info', async () => {
    const q = new URLSearchParams({ token: f.install.botToken, user: f.demo.users.bob.id });
    const viaGet = (await (await fetch(`${f.sim.apiUrl}users.info?${q}`)).json()) as {
      ok: boolean;
      user: { name: string };
    };
    assert.equal(viaGet.user.name, 'bob');
    const bad = await fetch(`${f.sim.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${f.install.botToken}` },
      body: '{',
    });
    assert.equal(((await bad.json()) as { error: string }).error, 'invalid_json');

    const app = f.sim.control.createApp({ name: 'PublicOnly' });
    const inst = f.sim.control.install({ appId: app.id, teamId: f.demo.team.id, scopes: ['channels:read'] });
    f.sim.control.inviteBot(f.demo.channels.devNotifications.id, app.id);
    const c = webClient(f.sim, inst.botToken);
    assert.equal((await c.conversations.info({ channel: f.demo.channels.general.id })).ok, true);
    const data = await platformError(c.conversations.info({ channel: f.demo.channels.devNotifications.id }));
    assert.equal(data.error, 'missing_scope');
    assert.equal(data.needed, 'groups:read');
  });

  test('every call is recorded with method, params, token and outcome', () => {
    const calls = f.sim.control.apiCalls();
    assert.ok(calls.length > 10);
    const failed = calls.find((c) => c.error === 'invalid_auth');
    assert.ok(failed);
    assert.equal(failed.httpStatus, 200);
    assert.equal(failed.ok, false);
    assert.equal(failed.token, 'xoxb-nope');
  });
});

describe('Enterprise Grid', () => {
  test('org-wide installs reach every workspace of the org; users carry enterprise_user', async () => {
    const sim = await startSlackSim({ rateLimits: { mode: 'off' } });
    try {
      const org = sim.control.createEnterprise({ name: 'Globex' });
      const east = sim.control.createTeam({ name: 'Globex East', enterpriseId: org.id });
      const west = sim.control.createTeam({ name: 'Globex West', enterpriseId: org.id });
      const ann = sim.control.createUser({ teamId: east.id, name: 'ann', isAdmin: true });
      const wes = sim.control.createUser({ teamId: west.id, name: 'wes' });
      const ch = sim.control.createChannel({ teamId: west.id, name: 'ops', members: [wes.id] });
      const app = sim.control.createApp();
      const inst = sim.control.install({
        appId: app.id,
        enterpriseId: org.id,
        installerUserId: ann.id,
        scopes: ['users:read', 'chat:write', 'chat:write.public'],
      });
      assert.equal(inst.isEnterpriseInstall, true);
      assert.equal(inst.teamId, null);
      const c = webClient(sim, inst.botToken);
      const auth = await c.auth.test();
      assert.equal(auth.is_enterprise_install, true);
      assert.equal(auth.enterprise_id, org.id);
      const { user } = await c.users.info({ user: wes.id });
      assert.equal(user?.enterprise_user?.enterprise_id, org.id);
      assert.equal(user?.enterprise_user?.enterprise_name, 'Globex');
      assert.equal((await c.chat.postMessage({ channel: ch.id, text: 'hello west' })).ok, true);
    } finally {
      await sim.close();
    }
  });
});
