// The Slack adapter, wired: Bolt behind our receiver (inbound/), the installation and its tokens (platform/), and
// what the HTTP API offers about it (http/routes/slack-integration.ts). Delivery of run messages is outbound/,
// started by the composition root. Without SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET the
// integration is off (`configured: false`): no receiver, no OAuth.
import { createHmac } from 'node:crypto';
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { missingSlackEnv, slackEnabled, type Config } from '../config.js';
import type { Services } from '../domain/services.js';
import type { Subject } from '../domain/subjects.js';
import type { HandledRequests } from '../storage/slack-handled-requests.js';
import type { SlackInstallationRepository } from '../storage/slack-installations.js';
import type { SubscriptionStore } from '../storage/slack-subscriptions.js';
import { AfterAckQueue } from './inbound/after-ack.js';
import { INSTALLATION, registerListeners } from './inbound/listeners.js';
import { FastifyReceiver } from './inbound/receiver.js';
import { Requesters } from './inbound/requester.js';
import { describe } from './platform/errors.js';
import {
  coversTeam,
  InstallationStore,
  webClientRefresher,
  type SlackInstallation,
} from './platform/installation.js';
import { appManifest } from './platform/manifest.js';
import { oauthInstaller, type OAuthInstaller } from './platform/oauth.js';
import { slackLogger, webClientOptions } from './platform/sdk-options.js';
import { slackStatus } from './platform/status.js';
import { SecretCipher } from '../secret-cipher.js';
import { UserDirectory } from './platform/user-directory.js';

export interface SlackAppOptions {
  config: Config;
  services: Services;
  /** Where the installation, subscriptions and handled request keys are kept (storage/slack-*.ts). */
  installationRows: SlackInstallationRepository;
  subscriptions: SubscriptionStore;
  handled: HandledRequests;
  encryptionKey: Buffer;
  logger: Logger;
  /** The external base URL; a function because with PORT=0 it is known only once the server listens. */
  publicUrl: () => string;
  /** users.info cache tuning (tests, benchmarks). */
  userCache?: { maxEntries?: number; ttlMs?: number };
}

export interface SlackApp {
  /** POST /slack/events (when configured). */
  plugin: FastifyPluginAsync;
  configured: boolean;
  installations: InstallationStore;
  subscriptions: SubscriptionStore;
  /** A WebClient for the active installation's bot, or undefined when Slack is not connected. */
  botClient(): Promise<{ client: WebClient; installation: SlackInstallation } | undefined>;
  /** The manifest, OAuth and status behind the HTTP routes of http/routes/slack-integration.ts. */
  integration: {
    configured: boolean;
    manifest(): unknown;
    status(): Promise<ReturnType<typeof slackStatus>>;
    disconnect(by: Subject): Promise<ReturnType<typeof slackStatus>>;
    startInstall: OAuthInstaller['start'];
    finishInstall: OAuthInstaller['finish'];
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, services, logger, subscriptions } = options;
  const configured = slackEnabled(config);
  const slack = config.slack;
  const cipher = new SecretCipher(options.encryptionKey);
  const refresherClient = new WebClient(undefined, webClientOptions(slack.apiUrl, logger));
  const installations = new InstallationStore(
    options.installationRows,
    cipher,
    configured ? webClientRefresher(refresherClient, slack.clientId!, slack.clientSecret!) : undefined,
  );
  const users = new UserDirectory(options.userCache);
  const requesters = new Requesters(users, installations);
  const status = async () =>
    slackStatus(configured, missingSlackEnv(config), await installations.current(), options.publicUrl());

  const oauth: OAuthInstaller | undefined = configured
    ? oauthInstaller({
        clientId: slack.clientId!,
        clientSecret: slack.clientSecret!,
        stateSecret: slack.stateSecret ?? deriveStateSecret(options.encryptionKey),
        authorizeUrl: slack.authorizeUrl,
        apiUrl: slack.apiUrl,
        publicUrl: options.publicUrl,
        installations,
        services,
        logger,
        onInstalled: () => users.clear(),
      })
    : undefined;

  const plugin: FastifyPluginAsync = async (app) => {
    if (!configured) return;
    const receiver = new FastifyReceiver({ signingSecret: slack.signingSecret!, logger });
    const bolt = new App({
      receiver,
      authorize: async (source) => {
        const creds = await installations.credentials();
        if (!creds || !coversTeam(creds.installation, source.teamId ?? null, source.enterpriseId ?? null))
          return { [INSTALLATION]: null };
        const inst = creds.installation;
        return {
          botToken: creds.botToken,
          botUserId: inst.botUserId,
          botId: inst.botId ?? undefined,
          teamId: inst.teamId ?? undefined,
          enterpriseId: inst.enterpriseId ?? undefined,
          [INSTALLATION]: inst,
        };
      },
      clientOptions: webClientOptions(slack.apiUrl, logger),
      logger: slackLogger(logger),
      convoStore: false,
    });
    bolt.error(async (err) => {
      logger.error({ err: describe(err) }, 'Slack listener error');
    });
    const work = new AfterAckQueue(logger);
    // Answers already promised get a moment to go out on shutdown, not forever (Slack calls have their own timeouts).
    app.addHook('onClose', () =>
      Promise.race([work.drained(), new Promise<void>((r) => setTimeout(r, 5_000).unref())]),
    );
    registerListeners(bolt, {
      work,
      handled: options.handled,
      services,
      subscriptions,
      requesters,
      installations,
      users,
      logger,
      publicUrl: options.publicUrl,
    });
    await app.register(receiver.plugin());
  };

  return {
    plugin,
    configured,
    installations,
    subscriptions,
    async botClient() {
      const creds = await installations.credentials();
      if (!creds) return undefined;
      return {
        client: new WebClient(creds.botToken, webClientOptions(slack.apiUrl, logger)),
        installation: creds.installation,
      };
    },
    integration: {
      configured,
      manifest: () => appManifest(options.publicUrl(), slack.command),
      status,
      async disconnect(by) {
        const before = await installations.current();
        const creds = await installations.credentials().catch(() => undefined);
        if (creds) {
          try {
            await new WebClient(creds.botToken, webClientOptions(slack.apiUrl, logger)).auth.revoke();
          } catch (err) {
            // Already revoked or uninstalled: disconnecting locally is still what the admin asked for.
            logger.warn({ err: describe(err) }, 'auth.revoke failed while disconnecting Slack');
          }
        }
        // auth.revoke makes Slack send tokens_revoked/app_uninstalled, which may land first; the admin's reason wins.
        if (before?.active) {
          await installations.deactivate(`disconnected by ${by.actor}`, { force: true });
          await services.audit.allowed(
            by,
            'slack.disconnect',
            `slack:${before.enterpriseId ?? before.teamId ?? ''}`,
          );
        }
        users.clear();
        return status();
      },
      startInstall: (request, response, installedBy) => oauth!.start(request, response, installedBy),
      finishInstall: (request, response) => oauth!.finish(request, response),
    },
  };
}

/** SLACK_STATE_SECRET defaults to a key derived from the encryption key, so every instance agrees on it. */
function deriveStateSecret(key: Buffer): string {
  return createHmac('sha256', key).update('liftoff slack oauth state').digest('hex');
}
