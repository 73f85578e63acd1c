// The Slack app as one Fastify plugin (SPEC §5). Routes:
//   POST   /slack/events                 commands, interactivity, Events API (signed; receiver.ts)
//   GET    /slack/install                admin only: start OAuth (oauth.ts)
//   GET    /slack/oauth_redirect         OAuth callback (oauth.ts)
//   GET    /slack/manifest               the app manifest (manifest.ts)
//   GET    /api/v1/integrations/slack    status; DELETE disconnects (status-routes.ts)
//   GET    /api/v1/stacks/{id}/subscriptions   the stack's channels (subscription-routes.ts)
// Without SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET the integration is off: the manifest and
// the status still answer (the status says `configured: false`), the other routes answer 503 slack_not_configured.
import { createHmac } from 'node:crypto';
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { missingSlackEnv, slackEnabled, type Config } from '../config.js';
import type { Services } from '../domain/services.js';
import { httpSubject, type Subject } from '../domain/subjects.js';
import type { Database } from '../storage/schema.js';
import { HandledRequests } from './handled-requests.js';
import { coversTeam, InstallationStore, webClientRefresher, type SlackInstallation } from './installation.js';
import { appManifest, INSTALL_PATH, OAUTH_REDIRECT_PATH } from './manifest.js';
import { oauthRoutes } from './oauth.js';
import { describe, EVENTS_PATH, FastifyReceiver } from './receiver.js';
import { AfterAckQueue } from './after-ack.js';
import { Requesters } from './requester.js';
import { slackLogger, webClientOptions } from './sdk-options.js';
import { INSTALLATION, registerListeners } from './listeners.js';
import { statusRoutes } from './status-routes.js';
import { subscriptionRoutes } from './subscription-routes.js';
import { SubscriptionStore } from './subscriptions.js';
import { TokenCipher } from './token-cipher.js';
import { UserDirectory } from './user-directory.js';

export { RUN_ACTIONS, runActionButtons, runActionValue, parseRunActionValue } from './run-actions.js';
export { InstallationStore } from './installation.js';
export { SubscriptionStore } from './subscriptions.js';

export interface SlackAppOptions {
  config: Config;
  services: Services;
  db: Kysely<Database>;
  encryptionKey: Buffer;
  logger: Logger;
  /** The external base URL; a function because with PORT=0 it is known only once the server listens. */
  publicUrl: () => string;
  /** users.info cache tuning (tests, benchmarks). */
  userCache?: { maxEntries?: number; ttlMs?: number };
}

export interface SlackApp {
  plugin: FastifyPluginAsync;
  configured: boolean;
  installations: InstallationStore;
  subscriptions: SubscriptionStore;
  /** A WebClient for the active installation's bot, or undefined when Slack is not connected. */
  botClient(): Promise<{ client: WebClient; installation: SlackInstallation } | undefined>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, services, logger } = options;
  const configured = slackEnabled(config);
  const slack = config.slack;
  const cipher = new TokenCipher(options.encryptionKey);
  const refresherClient = new WebClient(undefined, webClientOptions(slack.apiUrl, logger));
  const installations = new InstallationStore(
    options.db,
    cipher,
    configured ? webClientRefresher(refresherClient, slack.clientId!, slack.clientSecret!) : undefined,
  );
  const subscriptions = new SubscriptionStore(options.db);
  const users = new UserDirectory(options.userCache);
  const requesters = new Requesters(users, installations);

  const plugin: FastifyPluginAsync = async (app) => {
    app.get('/slack/manifest', async () => appManifest(options.publicUrl(), slack.command));
    statusRoutes(app, {
      configured,
      missingEnv: missingSlackEnv(config),
      installations,
      services,
      apiUrl: slack.apiUrl,
      publicUrl: options.publicUrl,
      logger,
      onDisconnected: () => users.clear(),
    });

    subscriptionRoutes(app, { services, subscriptions });

    if (!configured) {
      const off = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply.status(503).send({
          error: {
            code: 'slack_not_configured',
            message:
              'the Slack integration is off: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (see GET /slack/manifest)',
          },
        });
      app.post(EVENTS_PATH, off);
      app.get(INSTALL_PATH, off);
      app.get(OAUTH_REDIRECT_PATH, off);
      return;
    }

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
      handled: new HandledRequests(options.db),
      services,
      subscriptions,
      requesters,
      installations,
      users,
      logger,
      publicUrl: options.publicUrl,
    });

    await app.register(receiver.plugin());
    oauthRoutes(app, {
      clientId: slack.clientId!,
      clientSecret: slack.clientSecret!,
      stateSecret: slack.stateSecret ?? deriveStateSecret(options.encryptionKey),
      authorizeUrl: slack.authorizeUrl,
      apiUrl: slack.apiUrl,
      publicUrl: options.publicUrl,
      installations,
      services,
      logger,
      authenticate: (request) => authenticateAdmin(request, services),
      onInstalled: () => users.clear(),
    });
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
  };
}

/** SLACK_STATE_SECRET defaults to a key derived from the encryption key, so every instance agrees on it. */
function deriveStateSecret(key: Buffer): string {
  return createHmac('sha256', key).update('liftoff slack oauth state').digest('hex');
}

/** An admin API key (Authorization: Bearer) or a signed-in browser session (the web UI's cookie). */
async function authenticateAdmin(request: FastifyRequest, services: Services): Promise<Subject | null> {
  const header = request.headers.authorization;
  const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (bearer) {
    const key = await services.apiKeys.authenticate(bearer[1]!);
    if (!key) return null;
    return httpSubject(
      { admin: key.admin, login: key.login, name: key.name, teams: key.teams, machine: true },
      request.ip,
    );
  }
  // Decorated by the web UI plugin when it is present.
  const sessions = (
    request.server as unknown as { sessionAuthenticator?: (r: FastifyRequest) => Promise<Subject | null> }
  ).sessionAuthenticator;
  return sessions ? sessions(request) : null;
}
