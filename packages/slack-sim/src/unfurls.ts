import { buttonsOf, normalizeBlocks } from './blocks.js';
import type { FoundButton } from './blocks.js';
import type { SimServices } from './services.js';
import type { App, Attachment, Block, Installation, LinkShare, Message } from './types.js';

// App unfurling: when a message links to a domain an app registered (its unfurl domains), Slack
// sends that app `link_shared`; the app answers with chat.unfurl, and its previews show under the
// message. Apps are not told about links in their own messages.
// https://docs.slack.dev/messaging/unfurling-links-in-messages

/** The links of a message text: Slack's `<url>` / `<url|label>` markup and bare URLs. */
export function linksIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>|(?<![<|])\b(https?:\/\/[^\s<>]+)/g)) {
    const url = m[1] ?? m[2]!;
    if (!found.includes(url)) found.push(url);
  }
  return found;
}

function domainOf(url: string, domains: string[]): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  return domains.find((d) => host === d.toLowerCase() || host.endsWith(`.${d.toLowerCase()}`)) ?? null;
}

export interface PendingShare {
  app: App;
  installation: Installation;
  share: LinkShare;
  botInChannel: boolean;
}

/**
 * The apps to tell about a new message's links: installed in its workspace with links:read, one of
 * their domains linked, able to see the channel (public, or the bot is in it), not the author.
 * Records each share on the message, so chat.unfurl can check what it may unfurl.
 */
export function linkShares(sim: SimServices, message: Message): PendingShare[] {
  const { store } = sim;
  const links = linksIn(message.text);
  if (links.length === 0) return [];
  const channel = store.channel(message.channel);
  const pending: PendingShare[] = [];
  for (const app of store.apps.values()) {
    if (app.id === message.appId || app.unfurlDomains.length === 0) continue;
    const installation = store.installationFor(app.id, channel.teamId);
    if (!installation || !installation.scopes.includes('links:read')) continue;
    const botIn = channel.members.includes(installation.botUserId);
    if ((channel.isPrivate || channel.isIm) && !botIn) continue;
    const matched = links.flatMap((url) => {
      const domain = domainOf(url, app.unfurlDomains);
      return domain ? [{ domain, url }] : [];
    });
    if (matched.length === 0) continue;
    const share: LinkShare = {
      appId: app.id,
      unfurlId: `${channel.id}.${message.ts}.${sim.ids.secret('unfurl', 64)}`,
      links: matched,
    };
    message.linkShares.push(share);
    pending.push({ app, installation, share, botInChannel: botIn });
  }
  return pending;
}

/** The `link_shared` event for one share. */
export function linkSharedEvent(message: Message, share: PendingShare): Record<string, unknown> {
  return {
    type: 'link_shared',
    channel: message.channel,
    is_bot_user_member: share.botInChannel,
    user: message.user,
    message_ts: message.ts,
    unfurl_id: share.share.unfurlId,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    source: 'conversations_history',
    links: share.share.links,
  };
}

/** Store an app's preview for a URL of the message (replacing its earlier one). */
export function attachUnfurl(
  sim: SimServices,
  message: Message,
  appId: string,
  url: string,
  unfurl: Record<string, unknown>,
): void {
  const normalized = Array.isArray(unfurl.blocks)
    ? { ...unfurl, blocks: normalizeBlocks(sim, unfurl.blocks as Block[]) }
    : unfurl;
  message.unfurls = message.unfurls.filter((u) => !(u.appId === appId && u.url === url));
  message.unfurls.push({ appId, url, unfurl: normalized });
}

/** The attachments Slack shows for app unfurls, numbered after the message's own attachments. */
export function unfurlAttachments(message: Message): Attachment[] {
  const first = (message.attachments?.length ?? 0) + 1;
  return message.unfurls.map((u, i) => ({
    ...u.unfurl,
    id: first + i,
    app_unfurl_url: u.url,
    is_app_unfurl: true,
    app_id: u.appId,
    from_url: u.url,
    original_url: u.url,
  }));
}

/** Buttons inside app unfurls, with the app that unfurled them (clicks go to that app). */
export function unfurlButtons(message: Message): Array<FoundButton & { appId: string; url: string }> {
  const attachments = unfurlAttachments(message);
  return buttonsOf({ blocks: null, attachments }).map((b) => {
    const a = attachments.find((x) => x.id === b.attachmentId)!;
    return { ...b, appId: String(a.app_id), url: String(a.app_unfurl_url) };
  });
}
