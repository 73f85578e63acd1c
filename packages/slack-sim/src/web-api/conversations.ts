import { isBotMember, requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { booleanParam, optionalString } from './params.js';
import { renderChannel } from './render.js';
import type { CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { Store } from '../store.js';
import type { Channel } from '../types.js';

/**
 * A channel as this token can see it. Private channels the bot is not in do not exist for it,
 * which is why Slack answers `channel_not_found` rather than `not_in_channel` for them.
 */
export function visibleChannel(
  store: Store,
  auth: CallAuth,
  ref: string | undefined,
  options: { openDm?: boolean } = {},
): Channel {
  const channel = ref
    ? options.openDm
      ? resolveChannel(store, auth, ref)
      : store.findChannel(ref, auth.teamIds)
    : undefined;
  if (!channel || !auth.teamIds.includes(channel.teamId)) throw new SlackApiError('channel_not_found');
  if (channel.isPrivate && !isBotMember(auth, channel.members)) throw new SlackApiError('channel_not_found');
  return channel;
}

/**
 * Channel ids and names, plus a user id, which chat.postMessage takes as "the app's DM with that
 * user" (opened on first use).
 */
function resolveChannel(store: Store, auth: CallAuth, ref: string): Channel | undefined {
  const channel = store.findChannel(ref, auth.teamIds);
  if (channel) return channel;
  const user = store.users.get(ref);
  if (user && !user.isBot && auth.teamIds.includes(user.teamId)) {
    return store.directMessage(user.teamId, auth.installation.botUserId, user.id);
  }
  return undefined;
}

export const conversationMethods: Record<string, MethodSpec> = {
  'conversations.info': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      const { store } = ctx.sim;
      const ref = optionalString(ctx.params, 'channel');
      const found = ref ? store.findChannel(ref, auth.teamIds) : undefined;
      // The scope check depends on the kind of conversation, as on Slack.
      requireScope(ctx, found?.isIm ? ['im:read'] : found?.isPrivate ? ['groups:read'] : ['channels:read']);
      const channel = visibleChannel(store, auth, ref);
      const out = renderChannel(channel, auth.installation.botUserId);
      if (booleanParam(ctx.params, 'include_num_members')) out.num_members = channel.members.length;
      return { channel: out };
    },
  },
};
