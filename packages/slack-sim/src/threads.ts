import type { Store } from './store.js';
import type { Message } from './types.js';

// Threads as Slack keeps them: a reply points at its parent (`thread_ts`); the parent carries the
// summary that clients show under it (reply_count, latest_reply, reply_users).

/**
 * The thread a `thread_ts` puts a reply into. Slack threads are one level deep: naming a reply
 * puts the new message into that reply's thread. A well-formed ts that names no message is kept
 * as given — Slack accepts such a reply and nobody ever sees it.
 */
export function threadRoot(store: Store, channelId: string, threadTs: string): string {
  const named = store.findMessage(channelId, threadTs);
  return named?.threadTs ?? threadTs;
}

/** The parent of a thread, if it exists and is not deleted. */
export function threadParent(store: Store, reply: Message): Message | undefined {
  if (!reply.threadTs) return undefined;
  const parent = store.findMessage(reply.channel, reply.threadTs);
  return parent && !parent.deleted ? parent : undefined;
}

/** The visible replies of a parent, oldest first. */
export function threadReplies(store: Store, parent: Message): Message[] {
  return parent.replies
    .map((ts) => store.findMessage(parent.channel, ts))
    .filter((m): m is Message => m !== undefined && !m.deleted);
}

export interface ThreadSummary {
  reply_count: number;
  reply_users_count: number;
  latest_reply: string;
  reply_users: string[];
}

/** What a parent shows about its thread, or null while it has no (visible) replies. */
export function threadSummary(store: Store, parent: Message): ThreadSummary | null {
  const replies = threadReplies(store, parent);
  if (replies.length === 0) return null;
  const users = [...new Set(replies.map((r) => r.user))];
  return {
    reply_count: replies.length,
    reply_users_count: users.length,
    latest_reply: replies.at(-1)!.ts,
    reply_users: users,
  };
}
