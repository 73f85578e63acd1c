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
import { App, type BlockAction, type ButtonAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { slackEnabled, type Config } from '../config.js';
import type { Services } from '../domain/services.js';
import { httpSubject, type Subject } from '../domain/subjects.js';
import type { Database } from '../storage/schema.js';
import { runAction } from './action-handlers.js';
import { helpText, parseCommand, runCommand } from './commands.js';
import { HandledRequests } from './handled-requests.js';
import { coversTeam, InstallationStore, webClientRefresher, type SlackInstallation } from './installation.js';
import { appManifest, INSTALL_PATH, OAUTH_REDIRECT_PATH } from './manifest.js';
import { oauthRoutes } from './oauth.js';
import { describe, EVENTS_PATH, FastifyReceiver } from './receiver.js';
import { AfterAckQueue } from './after-ack.js';
import { NOT_CONNECTED, Requesters } from './requester.js';
import { RUN_ACTIONS, type RunActionId } from './run-actions.js';
import { slackLogger, webClientOptions } from './sdk-options.js';
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

/** Context key Bolt carries from `authorize` to the listeners: the active installation or null. */
const INSTALLATION = 'liftoffInstallation';

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

function missingSlackEnv(config: Config): string[] {
  const s = config.slack;
  return [
    ...(s.clientId ? [] : ['SLACK_CLIENT_ID']),
    ...(s.clientSecret ? [] : ['SLACK_CLIENT_SECRET']),
    ...(s.signingSecret ? [] : ['SLACK_SIGNING_SECRET']),
  ];
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

interface ListenerDeps {
  work: AfterAckQueue;
  handled: HandledRequests;
  services: Services;
  subscriptions: SubscriptionStore;
  requesters: Requesters;
  installations: InstallationStore;
  users: UserDirectory;
  logger: Logger;
  publicUrl: () => string;
}

const FAILED = "Something went wrong on Liftoff's side; the error was logged. Try again in a moment.";
const BUSY = 'Liftoff is busy right now and could not take this request. Try again in a few seconds.';

function registerListeners(bolt: App, deps: ListenerDeps) {
  const { logger, work } = deps;
  /** Slack redelivers what it thinks failed; the request's key is claimed once, in the database, before acting. */
  const firstDelivery = async (context: Record<string, unknown>) => {
    const key = context.requestKey;
    if (typeof key !== 'string') return true;
    if (await deps.handled.claim(key)) return true;
    logger.info({ key, retryNum: context.retryNum }, 'Slack redelivery ignored');
    return false;
  };

  // Any command name: the manifest's (/liftoff) or one an operator chose (e.g. /spacelift).
  bolt.command(/^\/.+/, async ({ command, ack, respond, context, client }) => {
    const inst = context[INSTALLATION] as SlackInstallation | null;
    if (!inst) return ack({ response_type: 'ephemeral', text: NOT_CONNECTED });
    const parsed = parseCommand(command.text);
    if (parsed.kind === 'help') return ack({ response_type: 'ephemeral', text: helpText(command.command) });
    if (parsed.kind === 'usage')
      return ack({ response_type: 'ephemeral', text: `${parsed.message}\n\n${helpText(command.command)}` });
    if (work.full) return ack({ response_type: 'ephemeral', text: BUSY });
    // Acknowledge first: users.info and policy evaluation may take longer than Slack's 3 s.
    await ack();
    work.push(async () => {
      if (!(await firstDelivery(context))) return;
      let text: string;
      try {
        text = await runCommand(
          {
            services: deps.services,
            subscriptions: deps.subscriptions,
            requesters: deps.requesters,
            publicUrl: deps.publicUrl(),
          },
          client,
          inst,
          {
            command: command.command,
            text: command.text,
            userId: command.user_id,
            teamId: command.team_id,
            teamDomain: command.team_domain,
            channelId: command.channel_id,
            channelName: command.channel_name,
          },
          parsed,
        );
      } catch (err) {
        logger.error({ err: describe(err) }, 'slash command failed');
        text = FAILED;
      }
      await respond({ response_type: 'ephemeral', text }).catch((err: unknown) =>
        logger.warn({ err: describe(err) }, 'could not answer through response_url'),
      );
    });
  });

  const actionIds = new Set<string>(Object.values(RUN_ACTIONS));
  bolt.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: /^liftoff_run_/ },
    async ({ ack, body, action, context, client, respond }) => {
      await ack();
      if (work.full) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: BUSY }).catch(() => {});
        return;
      }
      work.push(async () => {
        if (!(await firstDelivery(context))) return;
        const reply = (text: string) =>
          respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
            logger.warn({ err: describe(err) }, 'could not answer through response_url'),
          );
        const inst = context[INSTALLATION] as SlackInstallation | null;
        if (!inst) return void (await reply(NOT_CONNECTED));
        if (!actionIds.has(action.action_id))
          return void (await reply('This button is no longer supported.'));
        const channel = body.channel ?? { id: body.container?.channel_id ?? '', name: '' };
        const messageTs = body.container?.is_ephemeral
          ? null
          : (body.message?.ts ?? body.container?.message_ts ?? null);
        try {
          const outcome = await runAction(
            { services: deps.services, requesters: deps.requesters, publicUrl: deps.publicUrl() },
            client,
            inst,
            {
              actionId: action.action_id as RunActionId,
              value: action.value,
              userId: body.user.id,
              teamId: body.team?.id ?? body.user.team_id ?? '',
              teamDomain: body.team?.domain ?? '',
              channelId: channel.id,
              channelName: channel.name ?? '',
              messageTs,
            },
          );
          if ('ephemeral' in outcome) return void (await reply(outcome.ephemeral));
          if (messageTs === null) return void (await reply(outcome.thread));
          try {
            await client.chat.postMessage({
              channel: channel.id,
              thread_ts: messageTs,
              text: outcome.thread,
            });
          } catch (err) {
            // The run changed; only the announcement failed. Tell the clicker instead.
            logger.warn({ err: describe(err) }, 'could not post the outcome in the thread');
            await deps.installations.onSlackError(err);
            await reply(outcome.thread);
          }
        } catch (err) {
          logger.error({ err: describe(err) }, 'run action failed');
          await reply(FAILED);
        }
      });
    },
  );

  // Bolt does not act on these itself (and skips authorize for them): deactivate, so nothing keeps calling Slack
  // with a dead token.
  const deactivateFor = async (body: Record<string, unknown>, reason: string, botUserIds?: string[]) => {
    const inst = await deps.installations.current();
    if (!inst?.active) return;
    const teamId = typeof body.team_id === 'string' ? body.team_id : null;
    const enterpriseId = typeof body.enterprise_id === 'string' ? body.enterprise_id : null;
    if (
      !coversTeam(inst, teamId, enterpriseId) &&
      !(inst.isEnterpriseInstall && enterpriseId === inst.enterpriseId)
    )
      return;
    if (inst.appId && typeof body.api_app_id === 'string' && body.api_app_id !== inst.appId) return;
    if (botUserIds && !botUserIds.includes(inst.botUserId)) return;
    if (await deps.installations.deactivate(reason)) {
      deps.users.clear();
      logger.warn({ reason }, 'Slack installation deactivated');
    }
  };
  bolt.event('app_uninstalled', async ({ body }) => {
    await deactivateFor(
      body as unknown as Record<string, unknown>,
      'the app was uninstalled from Slack (app_uninstalled)',
    );
  });
  bolt.event('tokens_revoked', async ({ body, event }) => {
    await deactivateFor(
      body as unknown as Record<string, unknown>,
      'the bot token was revoked in Slack (tokens_revoked)',
      event.tokens.bot ?? [],
    );
  });
}
