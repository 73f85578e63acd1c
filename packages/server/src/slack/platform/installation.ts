// The deployment's Slack installation (docs/slack.md: one per deployment — a workspace or an Enterprise Grid org): stored
// with its bot token encrypted, deactivated on uninstall/revocation, and its rotating token refreshed before expiry.
import type { WebClient } from '@slack/web-api';
import type { SlackInstallationRepository, SlackInstallationRow } from '../../storage/slack-installations.js';
import { DEAD_TOKEN_ERRORS, slackErrorCode } from './errors.js';
import type { SecretCipher } from '../../secret-cipher.js';

const TOKEN_PURPOSE = 'slack.bot_token';
const REFRESH_PURPOSE = 'slack.bot_refresh_token';
/** Refresh rotating tokens that expire within this window (Slack's own SDK uses the same 2 hours). */
export const REFRESH_WINDOW_MS = 2 * 60 * 60 * 1000;

export interface SlackInstallation {
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  isEnterpriseInstall: boolean;
  appId: string | null;
  botUserId: string;
  botId: string | null;
  scopes: string[];
  /** Liftoff login of the admin who linked the workspace. */
  installedBy: string | null;
  /** Slack user who approved the install. */
  installerSlackUserId: string | null;
  installedAt: string;
  active: boolean;
  deactivatedAt: string | null;
  deactivatedReason: string | null;
  botTokenExpiresAt: string | null;
}

/** An installation as OAuth hands it over: what it stores about the workspace, plus its tokens. */
export interface NewInstallation extends Omit<
  SlackInstallation,
  'installedAt' | 'active' | 'deactivatedAt' | 'deactivatedReason' | 'botTokenExpiresAt'
> {
  botToken: string;
  refreshToken: string | null;
  /** Epoch ms, for rotating tokens. */
  expiresAt: number | null;
}

/** What a caller needs to talk to Slack as the bot. */
export interface BotCredentials {
  installation: SlackInstallation;
  botToken: string;
}

/** Refreshes a rotating token with `oauth.v2.access grant_type=refresh_token`. */
export interface TokenRefresher {
  refresh(refreshToken: string): Promise<{ botToken: string; refreshToken: string; expiresAt: number }>;
}

export function webClientRefresher(
  client: WebClient,
  clientId: string,
  clientSecret: string,
  now: () => number = Date.now,
): TokenRefresher {
  return {
    async refresh(refreshToken) {
      const r = await client.oauth.v2.access({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
      if (!r.access_token || !r.refresh_token || r.expires_in === undefined)
        throw new Error('oauth.v2.access answered a refresh without a rotated token');
      return {
        botToken: r.access_token,
        refreshToken: r.refresh_token,
        expiresAt: now() + r.expires_in * 1000,
      };
    },
  };
}

/**
 * Every Slack request needs the credentials before its ack; they are kept this long in memory. Changes made by this
 * process clear them at once; another instance's (uninstall seen there) are seen within this time.
 */
const CREDENTIALS_TTL_MS = 5_000;

export class InstallationStore {
  private refreshing: Promise<BotCredentials | undefined> | undefined;
  private cached: { value: BotCredentials | undefined; expires: number } | undefined;

  constructor(
    private readonly rows: SlackInstallationRepository,
    private readonly cipher: SecretCipher,
    private readonly refresher: TokenRefresher | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The installation, active or not (the status page shows a deactivated one as disconnected). */
  async current(): Promise<SlackInstallation | undefined> {
    const row = await this.row();
    return row ? toInstallation(row) : undefined;
  }

  /** Stores a new installation, replacing any earlier one (re-linking, or linking another workspace). */
  async save(input: NewInstallation): Promise<SlackInstallation> {
    const at = this.now().toISOString();
    const row: SlackInstallationRow = {
      team_id: input.teamId,
      team_name: input.teamName,
      enterprise_id: input.enterpriseId,
      enterprise_name: input.enterpriseName,
      is_enterprise_install: input.isEnterpriseInstall ? 1 : 0,
      app_id: input.appId,
      bot_user_id: input.botUserId,
      bot_id: input.botId,
      bot_token: this.cipher.encrypt(input.botToken, TOKEN_PURPOSE),
      bot_refresh_token: input.refreshToken ? this.cipher.encrypt(input.refreshToken, REFRESH_PURPOSE) : null,
      bot_token_expires_at: input.expiresAt !== null ? new Date(input.expiresAt).toISOString() : null,
      scopes: JSON.stringify(input.scopes),
      installed_by: input.installedBy,
      installer_slack_user_id: input.installerSlackUserId,
      installed_at: at,
      active: 1,
      deactivated_at: null,
      deactivated_reason: null,
      updated_at: at,
    };
    this.cached = undefined;
    await this.rows.save(row);
    return toInstallation(row);
  }

  /**
   * Marks the installation inactive; returns false when it already was (so callers log once, not per call).
   * `force` overwrites the reason of an already inactive installation.
   */
  async deactivate(reason: string, options: { force?: boolean } = {}): Promise<boolean> {
    this.cached = undefined;
    return this.rows.deactivate(reason, this.now().toISOString(), options.force === true);
  }

  /** Removes the installation (disconnect). */
  async remove(): Promise<void> {
    this.cached = undefined;
    await this.rows.remove();
  }

  /**
   * The active installation and a usable bot token, refreshing a rotating token that expires within two hours.
   * Undefined when there is no active installation.
   */
  async credentials(): Promise<BotCredentials | undefined> {
    const now = this.now().getTime();
    const cached = this.cached;
    if (cached && cached.expires > now) {
      const expiresAt = cached.value?.installation.botTokenExpiresAt;
      if (!expiresAt || Date.parse(expiresAt) - now >= REFRESH_WINDOW_MS) return cached.value;
    }
    const value = await this.load();
    this.cached = { value, expires: now + CREDENTIALS_TTL_MS };
    return value;
  }

  private async load(): Promise<BotCredentials | undefined> {
    const row = await this.row();
    if (!row || !row.active) return undefined;
    const expiresAt = row.bot_token_expires_at ? Date.parse(row.bot_token_expires_at) : null;
    if (expiresAt !== null && row.bot_refresh_token && expiresAt - this.now().getTime() < REFRESH_WINDOW_MS) {
      // One refresh at a time in this process; concurrent instances may both refresh, which Slack allows
      // (the refresh token stays valid and either access token works).
      this.refreshing ??= this.refresh(row).finally(() => (this.refreshing = undefined));
      return this.refreshing;
    }
    return { installation: toInstallation(row), botToken: this.cipher.decrypt(row.bot_token, TOKEN_PURPOSE) };
  }

  /**
   * Reacts to a failed Slack call: a dead token deactivates the installation (no retry storm); `token_expired`
   * forces a refresh next time. Returns true when the installation can no longer be used.
   */
  async onSlackError(err: unknown): Promise<boolean> {
    const code = slackErrorCode(err);
    if (code === undefined) return false;
    if (DEAD_TOKEN_ERRORS.has(code)) {
      await this.deactivate(`Slack answered ${code}`);
      return true;
    }
    if (code === 'token_expired') {
      const row = await this.row();
      if (!row?.bot_refresh_token) {
        await this.deactivate('the bot token expired and there is no refresh token');
        return true;
      }
      this.cached = undefined;
      await this.rows.expireToken(this.now().toISOString());
    }
    return false;
  }

  private async refresh(row: SlackInstallationRow): Promise<BotCredentials | undefined> {
    if (!this.refresher) throw new Error('token rotation needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
    let rotated: Awaited<ReturnType<TokenRefresher['refresh']>>;
    try {
      rotated = await this.refresher.refresh(this.cipher.decrypt(row.bot_refresh_token!, REFRESH_PURPOSE));
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === 'invalid_refresh_token' || (code !== undefined && DEAD_TOKEN_ERRORS.has(code))) {
        await this.deactivate(`token refresh failed: ${code}`);
        return undefined;
      }
      throw err;
    }
    await this.rows.rotate({
      bot_token: this.cipher.encrypt(rotated.botToken, TOKEN_PURPOSE),
      bot_refresh_token: this.cipher.encrypt(rotated.refreshToken, REFRESH_PURPOSE),
      bot_token_expires_at: new Date(rotated.expiresAt).toISOString(),
      updated_at: this.now().toISOString(),
    });
    const fresh = await this.row();
    if (!fresh || !fresh.active) return undefined;
    return { installation: toInstallation(fresh), botToken: rotated.botToken };
  }

  private row() {
    return this.rows.get();
  }
}

function toInstallation(row: SlackInstallationRow): SlackInstallation {
  return {
    teamId: row.team_id,
    teamName: row.team_name,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    isEnterpriseInstall: Boolean(row.is_enterprise_install),
    appId: row.app_id,
    botUserId: row.bot_user_id,
    botId: row.bot_id,
    scopes: JSON.parse(row.scopes) as string[],
    installedBy: row.installed_by,
    installerSlackUserId: row.installer_slack_user_id,
    installedAt: row.installed_at,
    active: Boolean(row.active),
    deactivatedAt: row.deactivated_at,
    deactivatedReason: row.deactivated_reason,
    botTokenExpiresAt: row.bot_token_expires_at,
  };
}

/** Whether a request from `teamId`/`enterpriseId` belongs to this installation. */
export function coversTeam(
  inst: SlackInstallation,
  teamId: string | null,
  enterpriseId: string | null,
): boolean {
  if (inst.isEnterpriseInstall) return enterpriseId !== null && enterpriseId === inst.enterpriseId;
  return teamId !== null && teamId === inst.teamId;
}
