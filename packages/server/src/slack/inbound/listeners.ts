// What the Bolt app does with each kind of request: slash commands, run buttons, and the uninstall/revocation
// events. Commands and clicks are acknowledged at once; their work runs in the after-ack queue, once per request
// even when Slack redelivers it.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Services } from '../../domain/services.js';
import { runAction, VERBS } from './actions.js';
import type { AfterAckQueue } from './after-ack.js';
import { helpText, parseCommand, runCommand } from './commands.js';
import type { HandledRequests } from '../../storage/slack-handled-requests.js';
import { coversTeam, type InstallationStore, type SlackInstallation } from '../platform/installation.js';
import { describe } from '../platform/errors.js';
import { NOT_CONNECTED, type Requesters } from './requester.js';
import { RUN_ACTIONS, type RunActionId } from '../platform/run-actions.js';
import type { SubscriptionStore } from '../../storage/slack-subscriptions.js';
import type { UserDirectory } from '../platform/user-directory.js';

/** Context key Bolt carries from `authorize` to the listeners: the active installation or null. */
export const INSTALLATION = 'liftoffInstallation';

export interface ListenerDeps {
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

export function registerListeners(bolt: App, deps: ListenerDeps) {
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
            userId: command.user_id,
            command: parsed.kind,
            team: { id: command.team_id, name: command.team_domain },
            channel: { id: command.channel_id, name: command.channel_name },
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
        const actionId = action.action_id as RunActionId;
        const channel = body.channel ?? { id: body.container?.channel_id ?? '', name: '' };
        // The outcome goes in the message's thread (the thread it is in, if it is a reply itself).
        const message = body.message as { ts?: string; thread_ts?: string } | undefined;
        const messageTs = body.container?.is_ephemeral
          ? null
          : (message?.thread_ts ?? message?.ts ?? body.container?.message_ts ?? null);
        try {
          const outcome = await runAction(
            { services: deps.services, requesters: deps.requesters, publicUrl: deps.publicUrl() },
            client,
            inst,
            {
              userId: body.user.id,
              command: VERBS[actionId].command,
              team: { id: body.team?.id ?? body.user.team_id ?? '', name: body.team?.domain ?? '' },
              channel: { id: channel.id, name: channel.name ?? '' },
            },
            { actionId, value: action.value },
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
