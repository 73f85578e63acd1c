// The integration's status for Settings → Slack and the disconnect button (SPEC §6):
//   GET    /api/v1/integrations/slack   {connected, configured, missing_env, team, enterprise, is_enterprise_install, scopes,
//                                        installed_by, installed_at, bot_user_id, deactivated_reason, deactivated_at,
//                                        install_url, manifest_url}
//   DELETE /api/v1/integrations/slack   admin: revokes the bot token (auth.revoke) and deactivates; answers the status
import { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Services } from '../domain/services.js';
import { requireAdmin, subjectOf } from '../http/auth.js';
import type { InstallationStore, SlackInstallation } from './installation.js';
import { INSTALL_PATH } from './manifest.js';
import { describe } from './receiver.js';
import { webClientOptions } from './sdk-options.js';

export const STATUS_PATH = '/api/v1/integrations/slack';

export interface StatusOptions {
  configured: boolean;
  /** The Slack credentials that are not set (empty when configured). */
  missingEnv: string[];
  installations: InstallationStore;
  services: Services;
  apiUrl: string;
  publicUrl: () => string;
  logger: Logger;
  onDisconnected?: () => void;
}

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

export function statusRoutes(app: FastifyInstance, options: StatusOptions) {
  app.get(STATUS_PATH, async (request) => {
    subjectOf(request);
    return slackStatus(
      options.configured,
      options.missingEnv,
      await options.installations.current(),
      options.publicUrl(),
    );
  });

  app.delete(STATUS_PATH, async (request) => {
    const subject = requireAdmin(request);
    const before = await options.installations.current();
    const creds = await options.installations.credentials().catch(() => undefined);
    if (creds) {
      try {
        await new WebClient(creds.botToken, webClientOptions(options.apiUrl, options.logger)).auth.revoke();
      } catch (err) {
        // Already revoked or uninstalled: disconnecting locally is still what the admin asked for.
        options.logger.warn({ err: describe(err) }, 'auth.revoke failed while disconnecting Slack');
      }
    }
    // auth.revoke makes Slack send tokens_revoked/app_uninstalled, which may land first; the admin's reason wins.
    if (before?.active) {
      await options.installations.deactivate(`disconnected by ${subject.actor}`, { force: true });
      await options.services.audit.allowed(
        subject,
        'slack.disconnect',
        `slack:${before.enterpriseId ?? before.teamId ?? ''}`,
      );
    }
    options.onDisconnected?.();
    return slackStatus(
      options.configured,
      options.missingEnv,
      await options.installations.current(),
      options.publicUrl(),
    );
  });
}
