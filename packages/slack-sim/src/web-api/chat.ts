import { isBotMember, requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import {
  attachmentsParam,
  blocksParam,
  booleanParam,
  metadataParam,
  optionalString,
  threadTsParam,
} from './params.js';
import { renderMessage } from './render.js';
import { visibleChannel } from './conversations.js';
import { postEphemeral, postMessage, updateMessage } from '../messages.js';
import type { ApiContext, CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { Attachment, Block, Channel } from '../types.js';

const MAX_TEXT = 40_000;

function content(ctx: ApiContext): { text?: string; blocks?: Block[]; attachments?: Attachment[] } {
  const text = optionalString(ctx.params, 'text');
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
  return { text, blocks: blocksParam(ctx.params), attachments: attachmentsParam(ctx.params) };
}

function requireSomeContent(c: ReturnType<typeof content>): void {
  if (c.text === undefined && !c.blocks?.length && !c.attachments?.length) throw new SlackApiError('no_text');
}

/**
 * Where a bot may post: archived → is_archived; private and not a member → channel_not_found;
 * public and not a member → allowed only with chat:write.public, else not_in_channel.
 */
function writableChannel(ctx: ApiContext, auth: CallAuth, options: { openDm?: boolean } = {}): Channel {
  const channel = visibleChannel(ctx.sim.store, auth, optionalString(ctx.params, 'channel'), options);
  if (channel.isArchived) throw new SlackApiError('is_archived');
  if (!isBotMember(auth, channel.members) && !auth.token.scopes.includes('chat:write.public')) {
    throw new SlackApiError('not_in_channel');
  }
  return channel;
}

function author(auth: CallAuth): { user: string; botId: string | null; appId: string | null } {
  return auth.token.kind === 'bot'
    ? { user: auth.installation.botUserId, botId: auth.installation.botId, appId: auth.app.id }
    : { user: auth.actor.id, botId: null, appId: null };
}

export const chatMethods: Record<string, MethodSpec> = {
  'chat.postMessage': {
    auth: true,
    rateKey: (ctx) => optionalString(ctx.params, 'channel'),
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['chat:write']);
      const c = content(ctx);
      const channel = writableChannel(ctx, auth, { openDm: true });
      requireSomeContent(c);
      const threadTs = threadTsParam(ctx.params);
      const metadata = metadataParam(ctx.params);
      const m = postMessage(
        ctx.sim,
        channel.id,
        author(auth),
        { text: c.text ?? '', blocks: c.blocks ?? null, attachments: c.attachments ?? null },
        'chat.postMessage',
        {
          threadTs: threadTs ?? null,
          replyBroadcast: booleanParam(ctx.params, 'reply_broadcast'),
          metadata: metadata ?? null,
        },
      );
      return { channel: channel.id, ts: m.ts, message: renderMessage(ctx.sim.store, m) };
    },
  },
  'chat.update': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['chat:write']);
      const c = content(ctx);
      const channel = visibleChannel(ctx.sim.store, auth, optionalString(ctx.params, 'channel'));
      const ts = optionalString(ctx.params, 'ts');
      const m = ts ? ctx.sim.store.findMessage(channel.id, ts) : undefined;
      if (!m || m.deleted) throw new SlackApiError('message_not_found');
      if (channel.isArchived) throw new SlackApiError('is_archived');
      // Apps may only edit what they posted themselves.
      const who = author(auth);
      if (m.user !== who.user || m.botId !== who.botId) throw new SlackApiError('cant_update_message');
      const metadata = metadataParam(ctx.params);
      const newContent = c.text !== undefined || c.blocks !== undefined || c.attachments !== undefined;
      if (booleanParam(ctx.params, 'reply_broadcast')) {
        // Broadcasting an existing reply is its own kind of update: it shows the reply as it is.
        if (!m.threadTs) throw new SlackApiError('cant_broadcast_message');
        if (newContent) throw new SlackApiError('no_dual_broadcast_content_update');
        m.replyBroadcast = true;
      } else {
        requireSomeContent({
          text: c.text ?? m.text,
          blocks: c.blocks ?? m.blocks ?? undefined,
          attachments: c.attachments ?? m.attachments ?? undefined,
        });
        // Omitted blocks/attachments/metadata are kept; an empty array (or {}) removes them (Slack's documented rule).
        updateMessage(
          ctx.sim,
          m,
          {
            text: c.text ?? m.text,
            blocks: c.blocks === undefined ? m.blocks : c.blocks.length ? c.blocks : null,
            attachments:
              c.attachments === undefined ? m.attachments : c.attachments.length ? c.attachments : null,
          },
          'chat.update',
          who.user,
        );
      }
      if (metadata !== undefined) m.metadata = metadata;
      return { channel: channel.id, ts: m.ts, text: m.text, message: renderMessage(ctx.sim.store, m) };
    },
  },
  'chat.postEphemeral': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['chat:write']);
      const c = content(ctx);
      const channel = writableChannel(ctx, auth);
      const userId = optionalString(ctx.params, 'user');
      const user = userId ? ctx.sim.store.users.get(userId) : undefined;
      if (!user || !auth.teamIds.includes(user.teamId)) throw new SlackApiError('user_not_found');
      if (!channel.members.includes(user.id)) throw new SlackApiError('user_not_in_channel');
      requireSomeContent(c);
      const e = postEphemeral(
        ctx.sim,
        channel.id,
        user.id,
        author(auth),
        { text: c.text ?? '', blocks: c.blocks ?? null, attachments: c.attachments ?? null },
        'chat.postEphemeral',
      );
      return { message_ts: e.ts };
    },
  },
};
