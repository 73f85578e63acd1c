import { requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { jsonParam, optionalString } from './params.js';
import { blockErrors } from '../block-kit-limits.js';
import { attachUnfurl, linksIn } from '../unfurls.js';
import type { ApiContext, CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { LinkShare, Message } from '../types.js';

// chat.unfurl: an app attaches previews to the links it was told about in link_shared, naming the
// message by channel + ts or by the event's unfurl_id + source.
// https://docs.slack.dev/reference/methods/chat.unfurl

const SOURCES = ['conversations_history', 'composer'];

/** The message and this app's share of it, found the way the caller names them. */
function target(ctx: ApiContext, auth: CallAuth): { message: Message; share: LinkShare | undefined } {
  const { store } = ctx.sim;
  const unfurlId = optionalString(ctx.params, 'unfurl_id');
  const source = optionalString(ctx.params, 'source');
  if (unfurlId !== undefined || source !== undefined) {
    if (unfurlId === undefined) throw new SlackApiError('missing_unfurl_id');
    if (source === undefined) throw new SlackApiError('missing_source');
    if (!SOURCES.includes(source)) throw new SlackApiError('invalid_source');
    const channelId = unfurlId.split('.')[0] ?? '';
    for (const m of store.channelMessages(channelId)) {
      const share = m.linkShares.find((s) => s.unfurlId === unfurlId && s.appId === auth.app.id);
      if (share && !m.deleted) return { message: m, share };
    }
    throw new SlackApiError('invalid_unfurl_id');
  }
  const channelId = optionalString(ctx.params, 'channel');
  const ts = optionalString(ctx.params, 'ts');
  if (channelId === undefined) throw new SlackApiError('missing_channel');
  if (ts === undefined) throw new SlackApiError('missing_ts');
  const channel = store.channels.get(channelId);
  if (!channel || !auth.teamIds.includes(channel.teamId)) throw new SlackApiError('cannot_find_channel');
  const message = store.findMessage(channel.id, ts);
  if (!message || message.deleted) throw new SlackApiError('cannot_find_message');
  return { message, share: message.linkShares.find((s) => s.appId === auth.app.id) };
}

function unfurlsParam(ctx: ApiContext): Record<string, Record<string, unknown>> {
  const v = jsonParam(ctx.params, 'unfurls', () => new SlackApiError('invalid_unfurls_format'));
  if (v === undefined) throw new SlackApiError('missing_unfurls');
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new SlackApiError('invalid_unfurls_format');
  const unfurls = v as Record<string, unknown>;
  for (const [url, u] of Object.entries(unfurls)) {
    if (u === null || typeof u !== 'object' || Array.isArray(u))
      throw new SlackApiError('cannot_parse_attachment');
    const blocks = (u as Record<string, unknown>).blocks;
    if (blocks !== undefined) {
      const errors = Array.isArray(blocks)
        ? blockErrors(blocks, `/unfurls/${url}/blocks`)
        : ['must provide an array'];
      if (errors.length > 0)
        throw new SlackApiError('invalid_blocks', {
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
        });
    }
  }
  return unfurls as Record<string, Record<string, unknown>>;
}

export const unfurlMethods: Record<string, MethodSpec> = {
  'chat.unfurl': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['links:write']);
      const { message, share } = target(ctx, auth);
      const unfurls = unfurlsParam(ctx);
      const inMessage = linksIn(message.text);
      for (const url of Object.keys(unfurls)) {
        if (!inMessage.includes(url)) throw new SlackApiError('cannot_unfurl_message');
        // Only links the app was told about (its domains, in a link_shared it received).
        if (!share?.links.some((l) => l.url === url)) throw new SlackApiError('cannot_unfurl_url');
      }
      for (const [url, unfurl] of Object.entries(unfurls))
        attachUnfurl(ctx.sim, message, auth.app.id, url, unfurl);
      return {};
    },
  },
};
