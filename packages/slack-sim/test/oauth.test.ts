import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { InstallProvider, LogLevel } from '@slack/oauth';
import { browse, seedDemo, startSlackSim } from '../src/index.js';
import { platformError, quietLogger, webClient } from './helpers.js';
import type { Installation, InstallationQuery } from '@slack/oauth';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoWorkspace, SlackSim } from '../src/index.js';

const SCOPES = ['commands', 'chat:write', 'users:read'];

/** A minimal app doing OAuth with the real InstallProvider, as Liftoff will. */
async function startApp(sim: SlackSim, app: { clientId: string; clientSecret: string }) {
  const installs = new Map<string, Installation>();
  const outcomes: Array<{ ok: true; installation: Installation } | { ok: false; code: string }> = [];
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const installer = new InstallProvider({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    stateSecret: 'state-secret',
    directInstall: true,
    authorizationUrl: sim.authorizeUrl,
    clientOptions: { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
    logger: quietLogger,
    installUrlOptions: { scopes: SCOPES, redirectUri: `${base}/slack/oauth_redirect` },
    installationStore: {
      async storeInstallation(i) {
        installs.set(i.isEnterpriseInstall ? i.enterprise!.id : i.team!.id, i as Installation);
      },
      async fetchInstallation(q: InstallationQuery<boolean>) {
        const i = installs.get(q.isEnterpriseInstall ? q.enterpriseId! : q.teamId!);
        if (!i) throw new Error('no installation');
        return i;
      },
      async deleteInstallation() {},
    },
  });
  server.on('request', (req, res) => {
    const path = new URL(req.url!, base).pathname;
    if (path === '/slack/install') void installer.handleInstallPath(req, res);
    else if (path === '/slack/oauth_redirect') {
      void installer.handleCallback(req, res, {
        success(installation, _o, _req, r) {
          outcomes.push({ ok: true, installation: installation as Installation });
          r.writeHead(200).end('installed');
        },
        failure(error, _o, _req, r) {
          outcomes.push({ ok: false, code: error.code });
          r.writeHead(500).end(error.code);
        },
      });
    } else res.writeHead(404).end();
  });
  return {
    base,
    installer,
    installs,
    outcomes,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('OAuth v2 with the real @slack/oauth InstallProvider', () => {
  let sim: SlackSim;
  let demo: DemoWorkspace;
  let app: Awaited<ReturnType<typeof startApp>>;

  before(async () => {
    sim = await startSlackSim({ rateLimits: { mode: 'off' } });
  });
  after(async () => {
    await app?.close();
    await sim.close();
  });
  beforeEach(async () => {
    await app?.close();
    sim.control.reset();
    demo = seedDemo(sim.control);
    app = await startApp(sim, demo.app);
    sim.control.updateApp(demo.app.id, { redirectUrls: [`${app.base}/slack/oauth_redirect`] });
  });

  test('install: authorize approves as alice, the code is exchanged, auth.test gives bot_id', async () => {
    const page = await browse(`${app.base}/slack/install`);
    assert.equal(page.status, 200, page.body);
    assert.ok(page.hops[1]!.startsWith(sim.authorizeUrl));
    const authorizeUrl = new URL(page.hops[1]!);
    assert.equal(authorizeUrl.searchParams.get('client_id'), demo.app.clientId);
    assert.equal(authorizeUrl.searchParams.get('scope'), SCOPES.join(','));

    const outcome = app.outcomes.at(-1)!;
    assert.ok(outcome.ok);
    const inst = outcome.installation;
    assert.equal(inst.team?.id, demo.team.id);
    assert.equal(inst.team?.name, 'Acme');
    assert.equal(inst.user.id, demo.users.alice.id);
    assert.equal(inst.isEnterpriseInstall, false);
    assert.deepEqual(inst.bot?.scopes, SCOPES);
    assert.match(inst.bot!.token, /^xoxb-/);
    assert.ok(inst.bot?.id?.startsWith('B'));
    assert.equal(inst.bot?.refreshToken, undefined);
    assert.equal(inst.appId, demo.app.id);
    const auth = await webClient(sim, inst.bot!.token).auth.test();
    assert.equal(auth.user_id, inst.bot!.userId);
  });

  test('deny: the app is told access_denied', async () => {
    sim.control.setOAuthApproval({ decision: 'deny' });
    const page = await browse(`${app.base}/slack/install`);
    assert.equal(page.status, 500);
    assert.ok(page.url.includes('error=access_denied'));
    assert.deepEqual(app.outcomes.at(-1), { ok: false, code: 'slack_oauth_installer_authorization_error' });
  });

  test('prompt: a small Allow/Cancel page; Allow completes the install', async () => {
    sim.control.setOAuthApproval({ decision: 'prompt', userId: demo.users.alice.id });
    const jar = new Map();
    const page = await browse(`${app.base}/slack/install`, { jar });
    assert.equal(page.status, 200);
    assert.ok(page.url.startsWith(sim.authorizeUrl));
    assert.match(page.body, /Liftoff is requesting permission to access Acme/);
    assert.equal(app.outcomes.length, 0);
    const allow = /href="([^"]*sim_decision=allow[^"]*)"/.exec(page.body)![1]!.replaceAll('&#38;', '&');
    const done = await browse(new URL(allow, page.url).toString(), { jar });
    assert.equal(done.status, 200, done.body);
    assert.equal(done.body, 'installed');
    assert.equal(app.outcomes.at(-1)!.ok, true);
  });

  test('Enterprise Grid org install: team null, enterprise set, is_enterprise_install', async () => {
    const org = sim.control.createEnterprise({ name: 'Globex' });
    const team = sim.control.createTeam({ name: 'Globex HQ', enterpriseId: org.id });
    const boss = sim.control.createUser({ teamId: team.id, name: 'boss', isAdmin: true });
    sim.control.setOAuthApproval({
      decision: 'approve',
      userId: boss.id,
      teamId: team.id,
      enterpriseInstall: true,
    });
    const page = await browse(`${app.base}/slack/install`);
    assert.equal(page.status, 200, page.body);
    const outcome = app.outcomes.at(-1)!;
    assert.ok(outcome.ok);
    assert.equal(outcome.installation.isEnterpriseInstall, true);
    assert.equal(outcome.installation.team, undefined);
    assert.deepEqual(outcome.installation.enterprise, { id: org.id, name: 'Globex' });
    assert.equal(outcome.installation.enterpriseUrl, 'https://globex.enterprise.slack.com/');
    const exchange = sim.control.apiCalls({ method: 'oauth.v2.access' }).at(-1)!;
    assert.equal(exchange.ok, true);
  });

  test('token rotation: refresh_token/expires_in, then InstallProvider refreshes an expiring token', async () => {
    sim.control.updateApp(demo.app.id, { tokenRotation: true, tokenLifetimeSeconds: 3600 });
    await browse(`${app.base}/slack/install`);
    const outcome = app.outcomes.at(-1)!;
    assert.ok(outcome.ok);
    // InstallProvider mutates the stored installation on refresh: keep copies.
    const bot = { ...outcome.installation.bot! };
    assert.match(bot.token, /^xoxe\.xoxb-/);
    assert.match(bot.refreshToken!, /^xoxe-1-/);
    assert.ok(bot.expiresAt! > Date.now() / 1000);

    // Expires within InstallProvider's 2-hour window: authorize() refreshes it.
    const auth = await app.installer.authorize({
      teamId: demo.team.id,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    assert.notEqual(auth.botToken, bot.token);
    const refresh = sim.control.apiCalls({ method: 'oauth.v2.access' }).at(-1)!;
    assert.equal(refresh.params.grant_type, 'refresh_token');
    assert.equal(refresh.ok, true);
    assert.equal((await webClient(sim, auth.botToken).auth.test()).ok, true);

    // The old token expires on its own schedule.
    sim.control.advanceClock(3601 * 1000);
    assert.equal((await platformError(webClient(sim, bot.token).auth.test())).error, 'token_expired');
  });

  test('oauth.v2.access errors: invalid_code (reused or unknown), bad_redirect_uri, bad_client_secret, invalid_client_id', async () => {
    const redirectUri = `${app.base}/slack/oauth_redirect`;
    const authorize = new URL(sim.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: demo.app.clientId,
      scope: 'chat:write',
      redirect_uri: redirectUri,
      state: 's1',
    }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location')!);
    assert.equal(back.searchParams.get('state'), 's1');
    const code = back.searchParams.get('code')!;

    const c = webClient(sim);
    const creds = { client_id: demo.app.clientId, client_secret: demo.app.clientSecret };
    assert.equal(
      (
        await platformError(
          c.oauth.v2.access({ ...creds, code, redirect_uri: 'http://127.0.0.1:1/elsewhere' }),
        )
      ).error,
      'bad_redirect_uri',
    );
    assert.equal(
      (
        await platformError(
          c.oauth.v2.access({ ...creds, client_secret: 'wrong', code, redirect_uri: redirectUri }),
        )
      ).error,
      'bad_client_secret',
    );
    assert.equal(
      (await platformError(c.oauth.v2.access({ client_id: '1.2', client_secret: 'x', code }))).error,
      'invalid_client_id',
    );
    const ok = await c.oauth.v2.access({ ...creds, code, redirect_uri: redirectUri });
    assert.equal(ok.ok, true);
    assert.equal(ok.token_type, 'bot');
    assert.equal(ok.team?.id, demo.team.id);
    assert.equal(ok.enterprise, null);
    assert.equal(ok.authed_user?.id, demo.users.alice.id);
    assert.equal(
      (await platformError(c.oauth.v2.access({ ...creds, code, redirect_uri: redirectUri }))).error,
      'invalid_code',
    );
    assert.equal((await platformError(c.oauth.v2.access({ ...creds, code: 'nope' }))).error, 'invalid_code');

    // Credentials may also come as HTTP Basic auth.
    const res2 = await fetch(authorize, { redirect: 'manual' });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const basic = await fetch(`${sim.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${demo.app.clientId}:${demo.app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ code: code2, redirect_uri: redirectUri }).toString(),
    });
    assert.equal(((await basic.json()) as { ok: boolean }).ok, true);
  });

  test('authorize refuses redirect URIs the app did not register, and codes expire', async () => {
    const authorize = new URL(sim.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: demo.app.clientId,
      scope: 'chat:write',
      redirect_uri: 'https://evil.example/cb',
    }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /bad_redirect_uri/);

    authorize.search = new URLSearchParams({ client_id: demo.app.clientId, scope: 'chat:write' }).toString();
    const ok = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(ok.headers.get('location')!).searchParams.get('code')!;
    sim.control.advanceClock(11 * 60 * 1000);
    const data = await platformError(
      webClient(sim).oauth.v2.access({
        client_id: demo.app.clientId,
        client_secret: demo.app.clientSecret,
        code,
      }),
    );
    assert.equal(data.error, 'invalid_code');
  });
});
