// The installation's life: uninstall and token revocation deactivate it (no error storm afterwards), an admin can
// disconnect (auth.revoke), rotating tokens are refreshed, Enterprise Grid org installs, and the integration is off
// without credentials.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/server.js';
import { answerTo, attachPolicy, createStack, installViaOAuth, startSlackWorld } from './helpers.js';

type Status = Record<string, unknown> & { connected: boolean; configured: boolean };

describe('Slack installation lifecycle', () => {
  test('app_uninstalled → disconnected; later commands get a clear answer without calling Slack', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      assert.equal((await installViaOAuth(w)).status, 200);
      await createStack(w, 'demo');
      await attachPolicy(w, 'demo', 'all', 'package spacelift\n\nwrite if input.slack.user.id != ""\n', 'v1');
      const random = w.demo.channels.random.id;
      const alice = w.demo.users.alice.id;
      assert.match(
        await answerTo(
          w,
          await w.sim.driver.slashCommand({
            channel: random,
            user: alice,
            command: '/liftoff',
            text: 'list',
          }),
        ),
        /`demo`/,
      );

      // Slack tells the app; here the simulator keeps delivering commands, as Slack may for a moment.
      const event = await w.sim.driver.appUninstalled(undefined, w.demo.team.id);
      assert.equal(event.status, 200);
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, false);
      assert.equal(status.body.configured, true);
      assert.equal(status.body.team, null);
      assert.match(String(status.body.deactivated_reason), /app_uninstalled/);

      const callsBefore = w.sim.control.apiCalls().length;
      for (let i = 0; i < 10; i++) {
        const r = await w.sim.driver.slashCommand({
          channel: random,
          user: alice,
          command: '/liftoff',
          text: 'trigger demo',
        });
        assert.equal(r.status, 200);
        assert.match((r.json as { text: string }).text, /not connected to this Slack workspace any more/);
      }
      assert.equal(w.sim.control.apiCalls().length, callsBefore, 'no Slack API calls after deactivation');
      const runs = await w.server.api<unknown[]>('GET', '/api/v1/stacks/demo/runs');
      assert.equal(runs.body.length, 0);

      // Installing again re-links.
      assert.equal((await installViaOAuth(w)).status, 200);
      assert.equal((await w.server.api<Status>('GET', '/api/v1/integrations/slack')).body.connected, true);
    } finally {
      await w.close();
    }
  });

  test('uninstalling in Slack (tokens_revoked + app_uninstalled events) disconnects', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      assert.equal((await installViaOAuth(w)).status, 200);
      w.sim.control.uninstall(w.demo.app.id, w.demo.team.id);
      await w.sim.idle();
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, false);
      assert.match(String(status.body.deactivated_reason), /tokens_revoked|app_uninstalled/);
    } finally {
      await w.close();
    }
  });

  test('a revoked token found on use deactivates the installation once (no retry storm)', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      assert.equal((await installViaOAuth(w)).status, 200);
      const token = w.sim.control.state().tokens.find((t) => t.kind === 'bot' && !t.revoked)!.value;
      w.sim.control.revokeToken(token, { notify: false });
      const random = w.demo.channels.random.id;
      const r = await w.sim.driver.slashCommand(
        { channel: random, user: w.demo.users.bob.id, command: '/liftoff', text: 'list' },
        { evenIfUninstalled: true },
      );
      assert.match(await answerTo(w, r), /not connected/);
      const calls = w.sim.control.apiCalls().length;
      for (let i = 0; i < 5; i++) {
        const again = await w.sim.driver.slashCommand(
          { channel: random, user: w.demo.users.bob.id, command: '/liftoff', text: 'list' },
          { evenIfUninstalled: true },
        );
        assert.match(await answerTo(w, again), /not connected/);
      }
      assert.equal(w.sim.control.apiCalls().length, calls);
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.match(String(status.body.deactivated_reason), /token_revoked/);
    } finally {
      await w.close();
    }
  });

  test('DELETE /api/v1/integrations/slack: admin only; revokes the token and disconnects', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      assert.equal((await installViaOAuth(w)).status, 200);
      const key = await w.server.api<{ secret: string }>('POST', '/api/v1/api-keys', {
        name: 'dev',
        admin: false,
      });
      const forbidden = await w.server.api(
        'DELETE',
        '/api/v1/integrations/slack',
        undefined,
        key.body.secret,
      );
      assert.equal(forbidden.status, 403);
      const r = await w.server.api<Status>('DELETE', '/api/v1/integrations/slack');
      assert.equal(r.status, 200);
      assert.equal(r.body.connected, false);
      assert.equal(r.body.deactivated_reason, 'disconnected by admin');
      assert.equal(w.sim.control.apiCalls({ method: 'auth.revoke' }).length, 1);
      assert.ok(
        w.sim.control
          .state()
          .tokens.filter((t) => t.kind === 'bot')
          .every((t) => t.revoked),
      );
      await w.sim.idle();
      const later = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(later.body.deactivated_reason, 'disconnected by admin');
    } finally {
      await w.close();
    }
  });

  test('token rotation: a token expiring within 2 h is refreshed before use', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      w.sim.control.updateApp(w.demo.app.id, { tokenRotation: true, tokenLifetimeSeconds: 3600 });
      assert.equal((await installViaOAuth(w)).status, 200);
      const db = w.server.liftoff.storage.db;
      const before = (await db
        .selectFrom('slack_installations' as never)
        .selectAll()
        .executeTakeFirstOrThrow()) as {
        bot_token: string;
        bot_token_expires_at: string;
      };
      assert.ok(before.bot_token_expires_at);
      const r = await w.sim.driver.slashCommand({
        channel: w.demo.channels.random.id,
        user: w.demo.users.alice.id,
        command: '/liftoff',
        text: 'list',
      });
      assert.match(await answerTo(w, r), /No stack can be read/);
      const refreshes = w.sim.control
        .apiCalls({ method: 'oauth.v2.access' })
        .filter((c) => c.params.grant_type === 'refresh_token');
      assert.equal(refreshes.length, 1);
      const after = (await db
        .selectFrom('slack_installations' as never)
        .selectAll()
        .executeTakeFirstOrThrow()) as {
        bot_token: string;
      };
      assert.notEqual(after.bot_token, before.bot_token);
      // users.info went out with the new token.
      const info = w.sim.control.apiCalls({ method: 'users.info' }).at(-1)!;
      assert.equal(info.ok, true);
    } finally {
      await w.close();
    }
  });

  test('Enterprise Grid org install: the org is stored, and users carry `enterprise` into the policy input', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      const { control } = w.sim;
      const org = control.createEnterprise({ name: 'Globex' });
      const team = control.createTeam({ name: 'Globex Ops', domain: 'globex-ops', enterpriseId: org.id });
      const hank = control.createUser({ teamId: team.id, name: 'hank', isAdmin: true });
      const ops = control.createChannel({ teamId: team.id, name: 'ops', members: [hank.id] });
      control.setOAuthApproval({
        decision: 'approve',
        userId: hank.id,
        teamId: team.id,
        enterpriseInstall: true,
      });
      const installed = await installViaOAuth(w);
      assert.equal(installed.status, 200, installed.body);
      assert.match(installed.body, /Enterprise Grid organization Globex/);
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.deepEqual(status.body.enterprise, { id: org.id, name: 'Globex' });
      assert.equal(status.body.is_enterprise_install, true);

      await createStack(w, 'grid');
      await attachPolicy(
        w,
        'grid',
        'grid-members',
        [
          'package spacelift',
          '',
          'read if {',
          `  input.slack.user.enterprise.enterprise_id == "${org.id}"`,
          '  input.slack.user.enterprise.enterprise_name == "Globex"',
          `  input.slack.user.enterprise.teams[_] == "${team.id}"`,
          '  input.slack.team.id == input.slack.user.enterprise.teams[0]',
          '  input.slack.channel.name == "ops"',
          '  input.slack.command == "list"',
          '}',
        ].join('\n'),
        'v1',
      );
      const r = await w.sim.driver.slashCommand({
        channel: ops.id,
        user: hank.id,
        command: '/liftoff',
        text: 'list',
      });
      assert.match(await answerTo(w, r), /`grid` — Stack grid · NONE · Read/);
    } finally {
      await w.close();
    }
  });

  test('without Slack credentials the integration is off: status says so, routes answer 503', async () => {
    const s = await startServer({ runner: false });
    try {
      const status = await s.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(status.status, 200);
      assert.equal(status.body.configured, false);
      assert.equal(status.body.connected, false);
      assert.deepEqual(status.body.missing_env, [
        'SLACK_CLIENT_ID',
        'SLACK_CLIENT_SECRET',
        'SLACK_SIGNING_SECRET',
      ]);
      for (const [method, path] of [
        ['POST', '/slack/events'],
        ['GET', '/slack/install'],
        ['GET', '/slack/oauth_redirect'],
      ] as const) {
        const r = await fetch(`${s.url}${path}`, { method, headers: { authorization: 'Bearer x' } });
        assert.equal(r.status, 503, path);
        assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'slack_not_configured');
      }
      // The manifest is what an operator needs to create the Slack app, so it is served anyway.
      const manifest = (await (await fetch(`${s.url}/slack/manifest`)).json()) as {
        features: { slash_commands: Array<{ command: string; url: string }> };
        oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
        settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
      };
      assert.equal(manifest.features.slash_commands[0]!.command, '/liftoff');
      assert.match(manifest.features.slash_commands[0]!.url, /\/slack\/events$/);
      assert.match(manifest.oauth_config.redirect_urls[0]!, /\/slack\/oauth_redirect$/);
      assert.deepEqual(manifest.oauth_config.scopes.bot, [
        'commands',
        'chat:write',
        'chat:write.public',
        'users:read',
        'channels:read',
        'groups:read',
        'team:read',
      ]);
      assert.deepEqual(manifest.settings.event_subscriptions.bot_events, [
        'app_uninstalled',
        'tokens_revoked',
      ]);
      assert.equal(manifest.settings.interactivity.is_enabled, true);
    } finally {
      await s.close();
    }
  });

  test('a signed-in admin browser (session cookie) can start the install; the callback needs no cookie', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      const signIn = await fetch(`${w.server.url}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: 'test-admin-token-0123456789' }),
      });
      assert.equal(signIn.status, 200);
      const session = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      assert.match(session, /^liftoff_session=/);
      const start = await fetch(`${w.server.url}/slack/install`, {
        redirect: 'manual',
        headers: { cookie: session },
      });
      assert.equal(start.status, 302);
      const state = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
      const slack = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      // Only the OAuth state cookie comes back: the session cookie is SameSite=Strict.
      const done = await fetch(slack.headers.get('location')!, {
        redirect: 'manual',
        headers: { cookie: state },
      });
      assert.equal(done.status, 200);
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, true);
      assert.equal(status.body.installed_by, 'admin');
    } finally {
      await w.close();
    }
  });

  test('OAuth failures show a page with the reason: access_denied, state mismatch', async () => {
    const w = await startSlackWorld({ runner: false });
    try {
      w.sim.control.setOAuthApproval({ decision: 'deny' });
      const denied = await installViaOAuth(w);
      assert.equal(denied.status, 400);
      assert.match(denied.body, /cancelled in Slack \(access_denied\)/);

      w.sim.control.setOAuthApproval({
        decision: 'approve',
        userId: w.demo.users.alice.id,
        teamId: w.demo.team.id,
      });
      // The callback reached without the browser's state cookie (another browser, or a forged link).
      const start = await fetch(`${w.server.url}/slack/install`, {
        redirect: 'manual',
        headers: { authorization: 'Bearer test-admin-token-0123456789' },
      });
      const slack = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = await fetch(slack.headers.get('location')!, { redirect: 'manual' });
      assert.equal(callback.status, 400);
      assert.match(await callback.text(), /state mismatch/);
      const status = await w.server.api<Status>('GET', '/api/v1/integrations/slack');
      assert.equal(status.body.connected, false);
    } finally {
      await w.close();
    }
  });
});
