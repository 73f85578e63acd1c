import { normalizeAttachments, normalizeBlocks } from './blocks.js';
import { threadRoot } from './threads.js';
import type { SimServices } from './services.js';
import type { Ephemeral, Message, MessageContent, MessageMetadata, MessageSource } from './types.js';

// Writing messages into channels, keeping every version so tests can see how a run message evolved.

/** Store content the way Slack does: generated block_ids/action_ids, numbered attachments. */
function normalize(sim: SimServices, content: MessageContent): MessageContent {
  return {
    ...content,
    blocks: normalizeBlocks(sim, content.blocks),
    attachments: normalizeAttachments(sim, content.attachments),
  };
}

export interface Author {
  user: string;
  botId: string | null;
  appId: string | null;
}

export interface PostOptions {
  /** Post as a reply in this thread (a reply's ts means its thread). */
  threadTs?: string | null;
  /** A reply that is also shown in the channel. */
  replyBroadcast?: boolean;
  metadata?: MessageMetadata | null;
  /** Ids of files shared with the message. */
  files?: string[];
}

export function postMessage(
  sim: SimServices,
  channelId: string,
  author: Author,
  content: MessageContent,
  source: MessageSource,
  extra: PostOptions = {},
): Message {
  const { store } = sim;
  const channel = store.channel(channelId);
  const at = sim.clock.now();
  content = normalize(sim, content);
  const threadTs = extra.threadTs ? threadRoot(store, channel.id, extra.threadTs) : null;
  const m: Message = {
    ...content,
    channel: channel.id,
    ts: sim.ids.messageTs(at),
    teamId: channel.teamId,
    user: author.user,
    botId: author.botId,
    appId: author.appId,
    threadTs,
    replyBroadcast: threadTs !== null && extra.replyBroadcast === true,
    replies: [],
    metadata: extra.metadata ?? null,
    files: extra.files ?? [],
    linkShares: [],
    unfurls: [],
    deleted: false,
    edited: null,
    source,
    history: [{ ...content, at, by: source }],
  };
  store.addMessage(m);
  if (threadTs) store.findMessage(channel.id, threadTs)?.replies.push(m.ts);
  return m;
}

export function updateMessage(
  sim: SimServices,
  m: Message | Ephemeral,
  content: MessageContent,
  by: MessageSource,
  editor: string,
): void {
  const at = sim.clock.now();
  content = normalize(sim, content);
  m.text = content.text;
  m.blocks = content.blocks;
  m.attachments = content.attachments;
  m.history.push({ ...content, at, by });
  if ('edited' in m) m.edited = { user: editor, ts: sim.ids.messageTs(at) };
}

export function deleteMessage(m: Message | Ephemeral): void {
  m.deleted = true;
}

export function postEphemeral(
  sim: SimServices,
  channelId: string,
  userId: string,
  author: Author,
  content: MessageContent,
  source: MessageSource,
): Ephemeral {
  const channel = sim.store.channel(channelId);
  const at = sim.clock.now();
  content = normalize(sim, content);
  const e: Ephemeral = {
    ...content,
    ts: sim.ids.messageTs(at),
    channel: channel.id,
    teamId: channel.teamId,
    user: userId,
    appId: author.appId,
    botId: author.botId,
    source,
    deleted: false,
    history: [{ ...content, at, by: source }],
  };
  sim.store.ephemerals.push(e);
  return e;
}
