// How Liftoff configures Slack's SDK clients: the API base URL from SLACK_API_URL (the simulator in tests), a short
// retry policy (the default retries for ~30 minutes, holding requests and memory), and rate-limit errors thrown at
// once (callers answer the user or reschedule) instead of silently pausing the client's whole queue.
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';

export function webClientOptions(apiUrl: string, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: slackLogger(logger),
  };
}

/**
 * The SDKs' logger interface on top of pino. Only message strings are passed on: SDK log arguments can be request
 * objects that carry tokens.
 */
export function slackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack-sdk' });
  const text = (args: unknown[]) =>
    args
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : ''))
      .join(' ')
      .trim();
  let level = LogLevel.WARN;
  return {
    debug: (...a: unknown[]) => child.debug(text(a)),
    info: (...a: unknown[]) => child.info(text(a)),
    warn: (...a: unknown[]) => child.warn(text(a)),
    error: (...a: unknown[]) => child.error(text(a)),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
