// SlackChat on @slack/web-api. No SDK retries (a retried post can duplicate a message without us knowing) and 429s
// thrown at once: delivery schedules every retry itself.
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { webClientOptions } from '../platform/sdk-options.js';
import type { SlackChat } from './dispatcher.js';

export function webClientChat(apiUrl: string, logger: Logger): (botToken: string) => SlackChat {
  let cached: { token: string; chat: SlackChat } | undefined;
  return (botToken) => {
    if (cached?.token === botToken) return cached.chat;
    const client = new WebClient(botToken, {
      ...webClientOptions(apiUrl, logger),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const chat: SlackChat = {
      async postMessage(args) {
        const r = await client.chat.postMessage({ ...args, unfurl_links: false, unfurl_media: false });
        if (!r.ts) throw new Error('chat.postMessage answered without a ts');
        return { ts: r.ts };
      },
      async update(args) {
        await client.chat.update(args);
      },
    };
    cached = { token: botToken, chat };
    return chat;
  };
}
