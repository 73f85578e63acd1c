import { SlackApiError } from './errors.js';
import type { SimServices } from '../services.js';
import type { App, AppToken, Installation, Token, User } from '../types.js';

/** Who is calling: the token, its installation and app, and the workspaces it may see. */
export interface CallAuth {
  token: Token;
  installation: Installation;
  app: App;
  /** The acting user: the bot user for bot tokens, the authorising user for user tokens. */
  actor: User;
  /** The workspace the call acts in; for org-wide installs taken from `team_id` when given. */
  teamId: string | null;
  enterpriseId: string | null;
  /** Workspaces whose users and channels this token can reach. */
  teamIds: string[];
}

/** A call with an app-level token. */
export interface AppAuth {
  token: AppToken;
  app: App;
}

export interface ApiContext {
  sim: SimServices;
  method: string;
  params: Record<string, unknown>;
  auth: CallAuth | null;
  appAuth: AppAuth | null;
  basicAuth: { user: string; password: string } | null;
  /** Scopes the method accepts, reported back in `X-Accepted-OAuth-Scopes` as Slack does. */
  acceptedScopes: string[] | null;
}

/** Resolve a token the way Slack orders its complaints: absent, unknown, revoked, expired, inactive. */
export function authenticate(
  sim: SimServices,
  token: string | null,
  params: Record<string, unknown>,
): CallAuth {
  const { store } = sim;
  if (!token) throw new SlackApiError('not_authed');
  // App-level tokens only open Socket Mode connections (and a few app-wide methods).
  if (store.appTokens.has(token)) throw new SlackApiError('not_allowed_token_type');
  const t = store.tokens.get(token);
  if (!t) throw new SlackApiError('invalid_auth');
  if (t.revoked) throw new SlackApiError('token_revoked');
  if (t.expiresAt !== null && sim.clock.now() >= t.expiresAt) throw new SlackApiError('token_expired');
  const installation = store.installation(t.installationId);
  if (!installation.active) throw new SlackApiError('token_revoked');
  const app = store.app(installation.appId);
  const actor = store.users.get(t.userId);
  if (!actor || actor.deleted) throw new SlackApiError('account_inactive');

  let teamIds: string[];
  let teamId: string | null;
  if (installation.isEnterpriseInstall && installation.enterpriseId) {
    teamIds = store.teamsOfEnterprise(installation.enterpriseId).map((t) => t.id);
    const requested = typeof params.team_id === 'string' && params.team_id !== '' ? params.team_id : null;
    teamId = requested && teamIds.includes(requested) ? requested : null;
  } else {
    teamId = installation.teamId;
    teamIds = teamId ? [teamId] : [];
  }
  if (installation.teamId && store.teams.get(installation.teamId)?.deleted)
    throw new SlackApiError('account_inactive');
  return { token: t, installation, app, actor, teamId, enterpriseId: installation.enterpriseId, teamIds };
}

export function requireAuth(ctx: ApiContext): CallAuth {
  if (!ctx.auth) throw new Error(`${ctx.method} is declared without auth but needs it`);
  return ctx.auth;
}

/** Pass when the token holds any of `anyOf`; otherwise Slack's `missing_scope` with needed/provided. */
export function requireScope(ctx: ApiContext, anyOf: string[]): void {
  const auth = requireAuth(ctx);
  ctx.acceptedScopes = anyOf;
  if (anyOf.some((s) => auth.token.scopes.includes(s))) return;
  throw new SlackApiError('missing_scope', {
    needed: anyOf.join(','),
    provided: auth.token.scopes.join(','),
  });
}

export function isBotMember(auth: CallAuth, channelMembers: string[]): boolean {
  return channelMembers.includes(auth.installation.botUserId);
}

/**
 * An app-level token, which Slack takes from the Authorization header only: none there is
 * missing_args, one in the body invalid_auth, a workspace token not_allowed_token_type.
 */
export function authenticateApp(
  sim: SimServices,
  token: string | null,
  fromHeader: boolean,
  scope: string,
): AppAuth {
  if (!token) throw new SlackApiError('missing_args');
  if (!fromHeader) throw new SlackApiError('invalid_auth');
  const t = sim.store.appTokens.get(token);
  if (!t) {
    if (sim.store.tokens.has(token)) throw new SlackApiError('not_allowed_token_type');
    throw new SlackApiError('invalid_auth');
  }
  if (t.revoked) throw new SlackApiError('token_revoked');
  if (!t.scopes.includes(scope))
    throw new SlackApiError('missing_scope', { needed: scope, provided: t.scopes.join(',') });
  return { token: t, app: sim.store.app(t.appId) };
}
