// The integration's status as Settings → Slack shows it (GET /api/v1/integrations/slack).
import type { SlackInstallation } from './installation.js';
import { INSTALL_PATH } from './manifest.js';

export function slackStatus(
  configured: boolean,
  missingEnv: string[],
  inst: SlackInstallation | undefined,
  publicUrl: string,
) {
  const connected = configured && inst !== undefined && inst.active;
  const linked = connected ? inst : undefined;
  return {
    connected,
    configured,
    missing_env: missingEnv,
    team: linked?.teamId ? { id: linked.teamId, name: linked.teamName ?? '' } : null,
    enterprise: linked?.enterpriseId ? { id: linked.enterpriseId, name: linked.enterpriseName ?? '' } : null,
    is_enterprise_install: linked?.isEnterpriseInstall ?? false,
    scopes: linked?.scopes ?? [],
    installed_by: linked?.installedBy ?? null,
    installed_at: linked?.installedAt ?? null,
    bot_user_id: linked?.botUserId ?? null,
    // Why an earlier link stopped working (uninstalled, token revoked, disconnected by an admin).
    deactivated_reason: inst && !inst.active ? inst.deactivatedReason : null,
    deactivated_at: inst && !inst.active ? inst.deactivatedAt : null,
    install_url: configured ? `${publicUrl}${INSTALL_PATH}` : null,
    manifest_url: `${publicUrl}/slack/manifest`,
  };
}
