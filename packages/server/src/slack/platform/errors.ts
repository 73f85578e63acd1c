// What Slack's errors mean, in one place: the error code of a failed call, which codes mean a dead token or an
// unusable channel, what a failed delivery should do about it, and a log-safe summary of any error.
//
// For delivery, WebClient runs with `rejectRateLimitedCalls` and no retries, so every failure reaches us once and
// we decide: wait (429), retry with backoff (5xx, network), pause the installation (dead token), disable the
// channel, or park the message (anything else will not heal by itself).
import { ErrorCode } from '@slack/web-api';

/** The Slack error code of a WebClient error (`data.error`), if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Error summary for logs: message and Slack code, never request data (WebClient errors carry the token). */
export function describe(err: unknown): { message: string; code?: string } {
  const e = err as { message?: unknown; code?: unknown } | null | undefined;
  const code = slackErrorCode(err) ?? (typeof e?.code === 'string' ? e.code : undefined);
  return { message: typeof e?.message === 'string' ? e.message : String(err), ...(code ? { code } : {}) };
}

export type Failure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | {
      kind: 'transient';
      detail: string;
      /** Slack may have acted on the request (network error mid-call). */ ambiguous: boolean;
    }
  | { kind: 'token'; code: string }
  | { kind: 'channel'; code: string }
  | { kind: 'message_gone'; code: string }
  | { kind: 'permanent'; detail: string };

/** "This token will never work again": stop using the installation. */
export const DEAD_TOKEN_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'not_authed',
]);
/** Errors about the token: dead, or expired (a rotating token is refreshed). */
export const TOKEN_ERRORS: ReadonlySet<string> = new Set([...DEAD_TOKEN_ERRORS, 'token_expired']);
export const CHANNEL_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message']);
/** Platform errors Slack documents as "try again". */
const TRANSIENT_PLATFORM = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

export function classify(err: unknown): Failure {
  const e = err as { code?: unknown; retryAfter?: unknown; statusCode?: unknown; data?: { error?: unknown } };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, Number(e.retryAfter) || 1) * 1000 };
    case ErrorCode.HTTPError: {
      const status = Number(e.statusCode);
      if (status === 429) return { kind: 'rate_limited', retryAfterMs: 1000 };
      // An edge error status means the request was not processed (Slack answers its own errors with HTTP 200).
      if (status >= 500 || status === 408)
        return { kind: 'transient', detail: `HTTP ${status}`, ambiguous: false };
      return { kind: 'permanent', detail: `HTTP ${status}` };
    }
    case ErrorCode.RequestError:
      return { kind: 'transient', detail: `network: ${(err as Error).message}`, ambiguous: true };
    case ErrorCode.PlatformError: {
      const code = slackErrorCode(err) ?? 'unknown_error';
      if (TOKEN_ERRORS.has(code)) return { kind: 'token', code };
      if (CHANNEL_ERRORS.has(code)) return { kind: 'channel', code };
      if (MESSAGE_GONE.has(code)) return { kind: 'message_gone', code };
      if (TRANSIENT_PLATFORM.has(code)) return { kind: 'transient', detail: code, ambiguous: false };
      return { kind: 'permanent', detail: code };
    }
    default:
      // Timeouts and socket errors surface without a Slack code: treat as network trouble.
      return { kind: 'transient', detail: err instanceof Error ? err.message : String(err), ambiguous: true };
  }
}

/** Why a channel was disabled, as shown by `list` and the API. */
export function channelReason(code: string): string {
  if (code === 'is_archived') return 'the channel is archived';
  if (code === 'not_in_channel')
    return 'the Liftoff app is not in the channel (invite it, then subscribe again)';
  return 'the channel does not exist or the Liftoff app cannot see it (channel_not_found)';
}
