import { SlackApiError } from './web-api/errors.js';
import { optionalString } from './web-api/params.js';
import { install, issueToken } from './installations.js';
import type { MethodSpec } from './web-api/method.js';
import type { SimServices } from './services.js';
import type { App, Installation, OAuthCode, Token } from './types.js';

// OAuth v2 as Slack runs it: `/oauth/v2/authorize` (the user approves in the browser; here a
// configured user approves instantly) redirects back with a one-time code, which the app exchanges
// at `oauth.v2.access` for tokens. Refresh tokens renew rotating tokens through the same method.
// https://api.slack.com/authentication/oauth-v2 · https://api.slack.com/authentication/rotation

const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function splitScopes(s: string | null): string[] {
  return (s ?? '')
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Slack accepts a redirect_uri equal to, or below, one of the app's configured redirect URLs. */
function redirectAllowed(app: App, uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  return app.redirectUrls.some((configured) => {
    const c = new URL(configured);
    if (c.origin !== u.origin) return false;
    const base = c.pathname.endsWith('/') ? c.pathname : `${c.pathname}/`;
    return u.pathname === c.pathname || u.pathname.startsWith(base);
  });
}

function errorPage(status: number, code: string, detail: string): HttpAnswer {
  const esc = escapeHtml;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Slack: ${esc(code)}</title><h1>Something went wrong when authorizing this app.</h1><p>Error: <code>${esc(code)}</code></p><p>${esc(detail)}</p>`,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function promptPage(
  appName: string,
  where: string,
  userName: string,
  scopes: string[],
  query: URLSearchParams,
): HttpAnswer {
  const link = (decision: string) => {
    const q = new URLSearchParams(query);
    q.set('sim_decision', decision);
    return escapeHtml(`?${q.toString()}`);
  };
  const items = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><meta charset="utf-8"><title>Install ${escapeHtml(appName)}</title>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>${escapeHtml(appName)} is requesting permission to access ${escapeHtml(where)}</h1>
<p>Signed in as <b>${escapeHtml(userName)}</b> (slack-sim). It will be able to:</p><ul>${items}</ul>
<p><a href="${link('deny')}">Cancel</a> &nbsp; <a href="${link('allow')}"><b>Allow</b></a></p></body>`,
  };
}

function redirect(to: string, params: Record<string, string | undefined>): HttpAnswer {
  const u = new URL(to);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return {
    status: 302,
    headers: { location: u.toString(), 'content-type': 'text/plain' },
    body: `Redirecting to ${u}`,
  };
}

/** `GET /oauth/v2/authorize`: approve (or deny) as the configured user and redirect back. */
export function authorize(sim: SimServices, query: URLSearchParams): HttpAnswer {
  const { store } = sim;
  const clientId = query.get('client_id');
  const app = clientId ? store.appByClientId(clientId) : undefined;
  if (!app) return errorPage(400, 'invalid_client_id', `No app has client_id ${clientId ?? '(none)'}.`);
  const requested = query.get('redirect_uri');
  if (requested !== null && !redirectAllowed(app, requested)) {
    // Slack shows an error page rather than redirecting to an unapproved URL.
    return errorPage(
      400,
      'bad_redirect_uri',
      `redirect_uri ${requested} does not match the app's redirect URLs: ${app.redirectUrls.join(', ') || '(none configured)'}`,
    );
  }
  const target = requested ?? app.redirectUrls[0];
  if (!target)
    return errorPage(400, 'no_redirect_uri', 'The app has no redirect URL configured and none was given.');
  const state = query.get('state') ?? undefined;
  const scopes = splitScopes(query.get('scope'));
  const userScopes = splitScopes(query.get('user_scope'));
  if (scopes.length === 0 && userScopes.length === 0)
    return errorPage(400, 'invalid_scope', 'No scope requested.');

  const approval = store.oauthApproval;
  // On the prompt page the person's click arrives as sim_decision on the same URL.
  const clicked = query.get('sim_decision');
  const decision =
    approval.decision === 'prompt' && clicked
      ? clicked === 'allow'
        ? 'approve'
        : 'deny'
      : approval.decision;
  if (decision === 'deny') return redirect(target, { error: 'access_denied', state });

  const teamParam = query.get('team') ?? undefined;
  const approver = approval.userId ? store.users.get(approval.userId) : undefined;
  const teamId = approval.teamId ?? teamParam ?? approver?.teamId ?? [...store.teams.values()][0]?.id;
  const team = teamId ? store.teams.get(teamId) : undefined;
  if (!team) return errorPage(400, 'team_not_found', 'No workspace to install into: create one first.');
  const people = [...store.users.values()].filter((u) => u.teamId === team.id && !u.isBot && !u.deleted);
  const user = approver ?? people.find((u) => u.isAdmin) ?? people[0];
  if (!user)
    return errorPage(400, 'user_not_found', `Workspace ${team.id} has no user to approve the install.`);
  const enterpriseInstall = approval.enterpriseInstall === true;
  if (enterpriseInstall && !team.enterpriseId)
    return errorPage(400, 'not_enterprise', `Workspace ${team.id} is not part of an Enterprise Grid org.`);

  if (decision === 'prompt')
    return promptPage(
      app.name,
      enterpriseInstall ? `${store.enterprise(team.enterpriseId!).name} (org-wide)` : team.name,
      user.name,
      scopes,
      query,
    );

  const code: OAuthCode = {
    code: `${1000 + sim.ids.sequence('oauth-code')}.${sim.ids.secret('oauth-code', 40)}`,
    appId: app.id,
    teamId: enterpriseInstall ? null : team.id,
    enterpriseId: team.enterpriseId,
    userId: user.id,
    scopes,
    userScopes,
    redirectUri: requested,
    expiresAt: sim.clock.now() + CODE_LIFETIME_MS,
    used: false,
  };
  store.oauthCodes.set(code.code, code);
  return redirect(target, { code: code.code, state });
}

function teamAndEnterprise(sim: SimServices, inst: Installation): Record<string, unknown> {
  const team = inst.teamId ? sim.store.team(inst.teamId) : null;
  const enterprise = inst.enterpriseId ? sim.store.enterprise(inst.enterpriseId) : null;
  return {
    team: team ? { id: team.id, name: team.name } : null,
    enterprise: enterprise ? { id: enterprise.id, name: enterprise.name } : null,
    is_enterprise_install: inst.isEnterpriseInstall,
  };
}

function expiresIn(sim: SimServices, t: Token): number | undefined {
  return t.expiresAt === null ? undefined : Math.round((t.expiresAt - sim.clock.now()) / 1000);
}

function authenticateClient(
  sim: SimServices,
  params: Record<string, unknown>,
  basic: { user: string; password: string } | null,
): App {
  const clientId = optionalString(params, 'client_id') ?? basic?.user;
  const secret = optionalString(params, 'client_secret') ?? basic?.password;
  const app = clientId ? sim.store.appByClientId(clientId) : undefined;
  if (!app) throw new SlackApiError('invalid_client_id');
  if (secret !== app.clientSecret) throw new SlackApiError('bad_client_secret');
  return app;
}

export const oauthMethods: Record<string, MethodSpec> = {
  'oauth.v2.access': {
    auth: false,
    handler(ctx) {
      const { sim, params } = ctx;
      const app = authenticateClient(sim, params, ctx.basicAuth);
      const grant = optionalString(params, 'grant_type') ?? 'authorization_code';

      if (grant === 'refresh_token') {
        const value = optionalString(params, 'refresh_token');
        const refresh = value ? sim.store.refreshTokens.get(value) : undefined;
        if (!refresh || refresh.revoked) throw new SlackApiError('invalid_refresh_token');
        const inst = sim.store.installation(refresh.installationId);
        if (inst.appId !== app.id) throw new SlackApiError('invalid_refresh_token');
        if (!inst.active) throw new SlackApiError('token_revoked');
        const scopes = refresh.kind === 'bot' ? inst.scopes : inst.userScopes;
        // The new access token is bound to the same refresh token, which stays valid.
        const { token } = issueToken(sim, app, inst, refresh.kind, refresh.userId, scopes, false);
        return {
          app_id: app.id,
          scope: scopes.join(','),
          token_type: refresh.kind,
          access_token: token.value,
          ...(refresh.kind === 'bot' ? { bot_user_id: inst.botUserId } : { user_id: refresh.userId }),
          refresh_token: refresh.value,
          expires_in: expiresIn(sim, token),
          ...teamAndEnterprise(sim, inst),
        };
      }
      if (grant !== 'authorization_code') throw new SlackApiError('invalid_grant_type');

      const value = optionalString(params, 'code');
      const code = value ? sim.store.oauthCodes.get(value) : undefined;
      if (!code || code.appId !== app.id || sim.clock.now() >= code.expiresAt)
        throw new SlackApiError('invalid_code');
      if (code.used) throw new SlackApiError('invalid_code');
      const redirectUri = optionalString(params, 'redirect_uri') ?? null;
      if (code.redirectUri !== null && redirectUri !== code.redirectUri)
        throw new SlackApiError('bad_redirect_uri');
      code.used = true;

      const result = install(sim, {
        appId: app.id,
        teamId: code.teamId,
        enterpriseId: code.teamId ? null : code.enterpriseId,
        installerUserId: code.userId,
        scopes: code.scopes,
        userScopes: code.userScopes,
      });
      const inst = result.installation;
      const authedUser: Record<string, unknown> = { id: code.userId };
      if (result.userToken) {
        authedUser.scope = result.userToken.scopes.join(',');
        authedUser.access_token = result.userToken.value;
        authedUser.token_type = 'user';
        if (result.userRefreshToken) {
          authedUser.refresh_token = result.userRefreshToken.value;
          authedUser.expires_in = expiresIn(sim, result.userToken);
        }
      }
      const out: Record<string, unknown> = {
        app_id: app.id,
        authed_user: authedUser,
        scope: inst.scopes.join(','),
        token_type: 'bot',
        access_token: result.botToken.value,
        bot_user_id: inst.botUserId,
        ...teamAndEnterprise(sim, inst),
      };
      if (result.botRefreshToken) {
        out.refresh_token = result.botRefreshToken.value;
        out.expires_in = expiresIn(sim, result.botToken);
      }
      return out;
    },
  },
};
