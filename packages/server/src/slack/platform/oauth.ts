// Linking the workspace: GET /slack/install (Liftoff admins only; the route is http/routes/slack-integration.ts)
// → Slack's authorize page → GET /slack/oauth_redirect. @slack/oauth's InstallProvider does the protocol (signed
// state bound to the browser by a cookie, code exchange, auth.test); the admin's login travels in the signed state
// as metadata, so the callback knows who linked the workspace without trusting the browser.
import {
  InstallProvider,
  type Installation,
  type InstallationStore as SdkInstallationStore,
} from '@slack/oauth';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Services } from '../../domain/services.js';
import type { Subject } from '../../domain/subjects.js';
import type { InstallationStore } from './installation.js';
import { BOT_SCOPES, OAUTH_REDIRECT_PATH } from './manifest.js';
import { slackLogger } from './sdk-options.js';

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  authorizeUrl: string;
  apiUrl: string;
  publicUrl: () => string;
  installations: InstallationStore;
  services: Services;
  logger: Logger;
  /** Called after a new installation is stored (e.g. to forget cached users of the previous workspace). */
  onInstalled?: () => void;
}

interface InstallMetadata {
  installed_by: string;
}

/** The two halves of the OAuth exchange, on the raw request and response (InstallProvider writes them itself). */
export interface OAuthInstaller {
  /** Redirects the browser to Slack's authorize page; `installedBy` is the admin's login. */
  start(request: IncomingMessage, response: ServerResponse, installedBy: string): Promise<void>;
  /** The callback: exchanges the code, stores the installation and answers with a result page. */
  finish(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export function oauthInstaller(options: OAuthOptions): OAuthInstaller {
  const store: SdkInstallationStore = {
    async storeInstallation(installation) {
      const meta = parseMetadata(installation.metadata);
      const bot = installation.bot;
      if (!bot) throw new Error('Slack returned no bot token: the app must request bot scopes');
      await options.installations.save({
        teamId: installation.team?.id ?? null,
        teamName: installation.team?.name ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        enterpriseName: installation.enterprise?.name ?? null,
        isEnterpriseInstall: installation.isEnterpriseInstall === true,
        appId: installation.appId ?? null,
        botUserId: bot.userId,
        botId: bot.id ?? null,
        scopes: bot.scopes,
        installedBy: meta?.installed_by ?? null,
        installerSlackUserId: installation.user?.id ?? null,
        botToken: bot.token,
        refreshToken: bot.refreshToken ?? null,
        expiresAt: bot.expiresAt !== undefined ? bot.expiresAt * 1000 : null,
      });
      options.onInstalled?.();
    },
    // Bolt authorizes through Liftoff's own store (installation.ts); the provider never fetches.
    async fetchInstallation() {
      throw new Error('not used');
    },
  };

  const installer = new InstallProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateSecret: options.stateSecret,
    directInstall: true,
    authorizationUrl: options.authorizeUrl,
    clientOptions: { slackApiUrl: options.apiUrl, retryConfig: { retries: 1 } },
    installationStore: store,
    logger: slackLogger(options.logger),
  });

  return {
    async start(request, response, installedBy) {
      const metadata: InstallMetadata = { installed_by: installedBy };
      await installer.handleInstallPath(request, response, undefined, {
        scopes: [...BOT_SCOPES],
        redirectUri: `${options.publicUrl()}${OAUTH_REDIRECT_PATH}`,
        metadata: JSON.stringify(metadata),
      });
    },
    async finish(request, response) {
      await installer.handleCallback(request, response, {
        successAsync: async (installation: Installation, installOptions, _req, res) => {
          const meta = parseMetadata(installOptions.metadata);
          const actor: Subject = {
            actor: meta?.installed_by ?? 'unknown',
            admin: true,
            channel: null,
            input: {},
          };
          const where = installation.isEnterpriseInstall
            ? `Enterprise Grid organization ${installation.enterprise?.name ?? installation.enterprise?.id}`
            : `workspace ${installation.team?.name ?? installation.team?.id}`;
          await options.services.audit.allowed(
            actor,
            'slack.install',
            `slack:${installation.enterprise?.id ?? installation.team?.id ?? ''}`,
          );
          page(
            res,
            200,
            'Slack connected',
            `Liftoff is now connected to the Slack ${where}.`,
            options.publicUrl(),
          );
        },
        failure: (error, _installOptions, _req, res) => {
          const { status, reason } = explainFailure(error);
          options.logger.warn({ code: (error as { code?: string }).code }, 'Slack installation failed');
          page(res, status, 'Slack was not connected', reason, options.publicUrl());
        },
      });
    },
  };
}

function parseMetadata(raw: string | undefined): InstallMetadata | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as InstallMetadata;
    return typeof v.installed_by === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A reason a person can act on, without secrets or internals. */
function explainFailure(error: { code?: string; message?: string }): { status: number; reason: string } {
  switch (error.code) {
    case 'slack_oauth_installer_authorization_error':
      return { status: 400, reason: 'The installation was cancelled in Slack (access_denied).' };
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return {
        status: 400,
        reason:
          'The OAuth state did not match this browser session (state mismatch): the link expired or was opened in another browser. Start again from Settings → Slack.',
      };
    case 'slack_oauth_missing_code':
      return {
        status: 400,
        reason: 'Slack did not send an authorization code. Start again from Settings → Slack.',
      };
    case 'slack_webapi_platform_error': {
      const slackError = (error as { data?: { error?: string } }).data?.error ?? 'unknown_error';
      return { status: 502, reason: `Slack refused the code exchange: ${slackError}.` };
    }
    default:
      return { status: 502, reason: 'Slack could not be reached to finish the installation. Try again.' };
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, message: string, publicUrl: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>` +
      `<body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>${esc(title)}</h1>` +
      `<p id="reason">${esc(message)}</p><p><a href="${esc(publicUrl)}/settings/slack">Back to Settings → Slack</a></p></body>`,
  );
}
