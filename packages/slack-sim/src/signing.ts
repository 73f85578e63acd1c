import { createHmac, timingSafeEqual } from 'node:crypto';

// Slack's request signing, version 0: the app recomputes this to know a request came from Slack.
// https://api.slack.com/authentication/verifying-requests-from-slack

const SIGNATURE_VERSION = 'v0';

/** `v0=<hex HMAC-SHA256(signingSecret, "v0:<timestamp>:<raw body>")>` */
export function computeSignature(signingSecret: string, timestamp: number | string, rawBody: string): string {
  const hmac = createHmac('sha256', signingSecret).update(`${SIGNATURE_VERSION}:${timestamp}:${rawBody}`);
  return `${SIGNATURE_VERSION}=${hmac.digest('hex')}`;
}

/** The two headers Slack sends with every request to an app. */
export function signatureHeaders(
  signingSecret: string,
  rawBody: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  return {
    'x-slack-signature': computeSignature(signingSecret, timestamp, rawBody),
    'x-slack-request-timestamp': String(timestamp),
  };
}

/**
 * Verify as an app should: signature matches (constant time) and the timestamp is within five
 * minutes of now. Exported so tests can check what the driver sends with the same rule Slack documents.
 */
export function verifySignature(
  signingSecret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (!headers.signature || !headers.timestamp) return false;
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > 300) return false;
  const expected = Buffer.from(computeSignature(signingSecret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
