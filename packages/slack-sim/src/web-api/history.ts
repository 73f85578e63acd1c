import { requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { booleanParam, optionalString } from './params.js';
import { renderMessage } from './render.js';
import { threadReplies } from '../threads.js';
import { compareTs, isTs, tsMicros } from '../timestamps.js';
import type { ApiContext, CallAuth } from './context.js';
import type { MethodSpec } from './method.js';
import type { Channel, Message } from '../types.js';

// Reading messages back: conversations.history (a channel's timeline, newest first) and
// conversations.replies (a thread, parent first). Both page with opaque cursors and take a
// time window (oldest/latest, exclusive unless `inclusive`).
// https://docs.slack.dev/reference/methods/conversations.history · …/conversations.replies

const MAX_LIMIT = 999;

/** Whether the caller is in the conversation: the bot user for bot tokens, the person for user tokens. */
function isMember(auth: CallAuth, channel: Channel): boolean {
  const who = auth.token.kind === 'bot' ? auth.installation.botUserId : auth.actor.id;
  return channel.members.includes(who);
}

/**
 * The conversation to read, with the *:history scope of its kind. Bots read only where they are
 * members: private ones they are not in do not exist for them, public ones answer not_in_channel.
 */
function readableChannel(ctx: ApiContext): Channel {
  const auth = requireAuth(ctx);
  const ref = optionalString(ctx.params, 'channel');
  const channel = ref ? ctx.sim.store.channels.get(ref) : undefined;
  requireScope(
    ctx,
    channel?.isIm ? ['im:history'] : channel?.isPrivate ? ['groups:history'] : ['channels:history'],
  );
  if (!channel || !auth.teamIds.includes(channel.teamId)) throw new SlackApiError('channel_not_found');
  if (!isMember(auth, channel)) {
    if (channel.isPrivate || channel.isIm) throw new SlackApiError('channel_not_found');
    if (auth.token.kind === 'bot') throw new SlackApiError('not_in_channel');
  }
  return channel;
}

interface Window {
  oldest?: string;
  latest?: string;
  inclusive: boolean;
}

function timeWindow(params: Record<string, unknown>): Window {
  const latest = optionalString(params, 'latest');
  if (latest !== undefined && !isTs(latest)) throw new SlackApiError('invalid_ts_latest');
  const oldest = optionalString(params, 'oldest');
  if (oldest !== undefined && !isTs(oldest)) throw new SlackApiError('invalid_ts_oldest');
  return { oldest, latest, inclusive: booleanParam(params, 'inclusive') };
}

function inWindow(ts: string, w: Window): boolean {
  if (w.oldest !== undefined) {
    const c = compareTs(ts, w.oldest);
    if (c < 0 || (c === 0 && !w.inclusive)) return false;
  }
  if (w.latest !== undefined) {
    const c = compareTs(ts, w.latest);
    if (c > 0 || (c === 0 && !w.inclusive)) return false;
  }
  return true;
}

function limitParam(params: Record<string, unknown>, fallback: number): number {
  const n = Number(optionalString(params, 'limit') ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIMIT) : fallback;
}

// Cursors are opaque to callers; like Slack's they encode where the next page starts ("next_ts:…").
function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${tsMicros(ts)}`).toString('base64');
}

function decodeCursor(params: Record<string, unknown>): bigint | undefined {
  const cursor = optionalString(params, 'cursor');
  if (cursor === undefined) return undefined;
  const m = /^next_ts:(\d{1,20})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new SlackApiError('invalid_cursor');
  return BigInt(m[1]!);
}

/** One page of `sorted`, starting at the cursor (inclusive), in the list's own order. */
function page(
  sorted: Message[],
  from: bigint | undefined,
  startsAt: (m: Message, from: bigint) => boolean,
  limit: number,
): { items: Message[]; next: string | null } {
  const start = from === undefined ? 0 : sorted.findIndex((m) => startsAt(m, from));
  if (start < 0) return { items: [], next: null };
  const items = sorted.slice(start, start + limit);
  const following = sorted[start + limit];
  return { items, next: following ? encodeCursor(following.ts) : null };
}

function metadataView(ctx: ApiContext): 'all' | 'event_type' {
  return booleanParam(ctx.params, 'include_all_metadata') ? 'all' : 'event_type';
}

export const historyMethods: Record<string, MethodSpec> = {
  'conversations.history': {
    auth: true,
    handler(ctx) {
      const channel = readableChannel(ctx);
      const window = timeWindow(ctx.params);
      const from = decodeCursor(ctx.params);
      const { store } = ctx.sim;
      // The channel's timeline: top-level messages and replies also sent to the channel.
      const timeline = store
        .channelMessages(channel.id)
        .filter((m) => !m.deleted && (m.threadTs === null || m.replyBroadcast) && inWindow(m.ts, window))
        .reverse();
      const { items, next } = page(
        timeline,
        from,
        (m, f) => tsMicros(m.ts) <= f,
        limitParam(ctx.params, 100),
      );
      const view = metadataView(ctx);
      return {
        messages: items.map((m) => renderMessage(store, m, { metadata: view })),
        has_more: next !== null,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        ...(window.latest !== undefined ? { latest: window.latest } : {}),
        ...(next ? { response_metadata: { next_cursor: next } } : {}),
      };
    },
  },
  'conversations.replies': {
    auth: true,
    handler(ctx) {
      const channel = readableChannel(ctx);
      const { store } = ctx.sim;
      const ts = optionalString(ctx.params, 'ts');
      const named = ts ? store.findMessage(channel.id, ts) : undefined;
      // Naming a reply means its whole thread.
      const parent = named?.threadTs ? store.findMessage(channel.id, named.threadTs) : named;
      if (!parent || parent.deleted) throw new SlackApiError('thread_not_found');
      const window = timeWindow(ctx.params);
      const from = decodeCursor(ctx.params);
      const replies = threadReplies(store, parent).filter((m) => inWindow(m.ts, window));
      const limit = limitParam(ctx.params, 1000);
      // The parent comes first on the first page; following pages hold replies only.
      const { items, next } =
        from === undefined
          ? page([parent, ...replies], undefined, () => true, limit)
          : page(replies, from, (m, f) => tsMicros(m.ts) >= f, limit);
      const view = metadataView(ctx);
      return {
        messages: items.map((m) => renderMessage(store, m, { metadata: view })),
        has_more: next !== null,
        ...(next ? { response_metadata: { next_cursor: next } } : {}),
      };
    },
  },
};
