import type { SimServices } from './services.js';
import type { App, Installation, RefreshToken, Token } from './types.js';

// Installing an app into a workspace (or an Enterprise Grid org) and the tokens that come with it.
// Shared by the OAuth flow, the direct `install` control operation, auth.revoke and uninstalls.

export interface InstallInput {
  appId: string;
  /** Workspace install target; omit for an org-wide install. */
  teamId?: string | null;
  /** Org-wide install target (Enterprise Grid). */
  enterpriseId?: string | null;
  installerUserId?: string;
  scopes: string[];
  userScopes?: string[];
}

export interface InstallResult {
  installation: Installation;
  botToken: Token;
  botRefreshToken: RefreshToken | null;
  userToken: Token | null;
  userRefreshToken: RefreshToken | null;
}

function tokenValue(sim: SimServices, kind: 'bot' | 'user', rotated: boolean): string {
  const n = sim.ids.sequence('token');
  const prefix = kind === 'bot' ? 'xoxb' : 'xoxp';
  const base = `${prefix}-${1000 + n}-${2000 + n}-${sim.ids.secret('token', 24)}`;
  // Rotating tokens are prefixed xoxe. by Slack.
  return rotated ? `xoxe.${base}` : base;
}

export function issueToken(
  sim: SimServices,
  app: App,
  installation: Installation,
  kind: 'bot' | 'user',
  userId: string,
  scopes: string[],
  /** Mint a refresh token too (rotation on); a refresh grant reuses the one it was given. */
  withRefresh: boolean = app.tokenRotation,
): { token: Token; refresh: RefreshToken | null } {
  const token: Token = {
    value: tokenValue(sim, kind, app.tokenRotation),
    kind,
    installationId: installation.id,
    userId,
    scopes: [...scopes],
    revoked: false,
    expiresAt: app.tokenRotation ? sim.clock.now() + app.tokenLifetimeSeconds * 1000 : null,
  };
  sim.store.tokens.set(token.value, token);
  let refresh: RefreshToken | null = null;
  if (withRefresh) {
    refresh = {
      value: `xoxe-1-${sim.ids.secret('refresh', 40)}`,
      kind,
      installationId: installation.id,
      userId,
      revoked: false,
    };
    sim.store.refreshTokens.set(refresh.value, refresh);
  }
  return { token, refresh };
}

function activeTokens(sim: SimServices, installationId: string): Token[] {
  return [...sim.store.tokens.values()].filter((t) => t.installationId === installationId && !t.revoked);
}

export function install(sim: SimServices, input: InstallInput): InstallResult {
  const { store } = sim;
  const app = store.app(input.appId);
  const isEnterpriseInstall = !input.teamId && !!input.enterpriseId;
  let teamId: string | null = null;
  let enterpriseId: string | null = null;
  if (isEnterpriseInstall) {
    enterpriseId = store.enterprise(input.enterpriseId!).id;
  } else {
    if (!input.teamId) throw new Error('install needs teamId or enterpriseId');
    const team = store.team(input.teamId);
    teamId = team.id;
    enterpriseId = team.enterpriseId;
  }
  const installerUserId =
    input.installerUserId ??
    [...store.users.values()].find(
      (u) =>
        !u.isBot &&
        (isEnterpriseInstall
          ? store.teams.get(u.teamId)?.enterpriseId === enterpriseId
          : u.teamId === teamId),
    )?.id;
  if (!installerUserId) throw new Error('install needs an installing user in the workspace');
  store.user(installerUserId);

  // Reinstalling keeps the installation (and its bot user and id) and widens its scopes, as Slack does.
  let installation = [...store.installations.values()].find(
    (i) =>
      i.appId === app.id &&
      i.teamId === teamId &&
      i.isEnterpriseInstall === isEnterpriseInstall &&
      i.enterpriseId === enterpriseId,
  );
  const scopes = [...new Set([...(installation?.active ? installation.scopes : []), ...input.scopes])];
  const userScopes = input.userScopes ?? [];
  if (!installation) {
    // An org-wide bot user lives at the org level; the org's first workspace stands in for it.
    const botTeamId = teamId ?? store.teamsOfEnterprise(enterpriseId!)[0]?.id;
    if (!botTeamId) throw new Error(`org ${enterpriseId} has no workspace to install into`);
    const botId = sim.ids.next('B');
    const botUser = store.createUser({
      teamId: botTeamId,
      name: app.name.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      realName: app.name,
    });
    botUser.isBot = true;
    botUser.botId = botId;
    botUser.appId = app.id;
    installation = {
      id: sim.ids.next('I'),
      appId: app.id,
      teamId,
      enterpriseId,
      isEnterpriseInstall,
      botUserId: botUser.id,
      botId,
      scopes,
      userScopes,
      installerUserId,
      active: true,
      installedAt: sim.clock.now(),
    };
    store.installations.set(installation.id, installation);
  } else {
    installation.scopes = scopes;
    installation.userScopes = userScopes;
    installation.installerUserId = installerUserId;
    installation.active = true;
  }

  // Without rotation Slack hands back the same bot token on reinstall (with the new scopes).
  const existingBot = app.tokenRotation
    ? undefined
    : activeTokens(sim, installation.id).find((t) => t.kind === 'bot' && t.expiresAt === null);
  let botToken: Token;
  let botRefreshToken: RefreshToken | null = null;
  if (existingBot) {
    existingBot.scopes = [...scopes];
    botToken = existingBot;
  } else {
    const issued = issueToken(sim, app, installation, 'bot', installation.botUserId, scopes);
    botToken = issued.token;
    botRefreshToken = issued.refresh;
  }
  let userToken: Token | null = null;
  let userRefreshToken: RefreshToken | null = null;
  if (userScopes.length > 0) {
    const issued = issueToken(sim, app, installation, 'user', installerUserId, userScopes);
    userToken = issued.token;
    userRefreshToken = issued.refresh;
  }
  return { installation, botToken, botRefreshToken, userToken, userRefreshToken };
}

/**
 * Revoke tokens. When no token of the installation is left, the app counts as uninstalled.
 * Either way the app hears about it through the Events API when `notify` is set.
 */
export function revokeTokens(sim: SimServices, tokens: Token[], notify = true): void {
  const byInstallation = new Map<string, Token[]>();
  // Under rotation one grant has had several access tokens; revoking one revokes the grant.
  const grant = (a: Token, b: Token) =>
    a.installationId === b.installationId && a.kind === b.kind && a.userId === b.userId;
  const all = [...sim.store.tokens.values()].filter((t) => !t.revoked && tokens.some((r) => grant(r, t)));
  for (const t of all) {
    t.revoked = true;
    for (const r of sim.store.refreshTokens.values()) {
      if (r.installationId === t.installationId && r.kind === t.kind && r.userId === t.userId)
        r.revoked = true;
    }
    byInstallation.set(t.installationId, [...(byInstallation.get(t.installationId) ?? []), t]);
  }
  for (const [id, revoked] of byInstallation) {
    const installation = sim.store.installation(id);
    const uninstalled = activeTokens(sim, id).length === 0;
    if (uninstalled) installation.active = false;
    if (notify) sim.notifyRevoked(installation, revoked, uninstalled);
  }
}

export function uninstall(sim: SimServices, installation: Installation, notify = true): void {
  const tokens = activeTokens(sim, installation.id);
  if (tokens.length > 0) revokeTokens(sim, tokens, notify);
  else if (installation.active) {
    installation.active = false;
    if (notify) sim.notifyRevoked(installation, [], true);
  }
  installation.active = false;
}
