// Token buckets for Slack's limits, kept in the database so every instance draws from one budget (Slack counts per
// app and workspace, not per process). Pure arithmetic here; storage/slack-deliveries.ts loads and saves the rows.
import type { BucketState, Pacer, SlackMethod } from '../../storage/slack-deliveries.js';

export interface BucketSpec {
  /** Tokens available at once (burst). */
  capacity: number;
  /** Tokens added per second. */
  perSecond: number;
}

export interface PacingLimits {
  /** Posts to one channel (chat.postMessage is ~1/s per channel with short bursts). */
  channel: BucketSpec;
  /** Per method, per workspace (chat.update is tier 3: 50+/min). Methods without an entry are not paced. */
  methods: Record<string, BucketSpec>;
}

/**
 * Slightly under Slack's published numbers: our clock and Slack's disagree by the request latency, so a budget
 * spent exactly at the limit would still draw the occasional 429.
 */
export const SLACK_PACING: PacingLimits = {
  channel: { capacity: 2, perSecond: 0.9 },
  methods: {
    'chat.update': { capacity: 40, perSecond: 45 / 60 },
    // Slack documents no number beyond "several hundred per minute" per workspace; stay at the low end of that.
    'chat.postMessage': { capacity: 60, perSecond: 600 / 60 },
  },
};

export function fresh(spec: BucketSpec, now: number): BucketState {
  return { tokens: spec.capacity, updatedMs: now, blockedUntilMs: 0 };
}

function refill(spec: BucketSpec, b: BucketState, now: number): void {
  const elapsed = Math.max(0, now - b.updatedMs);
  b.tokens = Math.min(spec.capacity, b.tokens + (elapsed / 1000) * spec.perSecond);
  b.updatedMs = Math.max(b.updatedMs, now);
}

/** Milliseconds until one token is available (0: now). */
export function waitMs(spec: BucketSpec, b: BucketState, now: number): number {
  refill(spec, b, now);
  const blocked = Math.max(0, b.blockedUntilMs - now);
  const short = b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / spec.perSecond) * 1000);
  return Math.max(blocked, short);
}

export function take(spec: BucketSpec, b: BucketState, now: number): void {
  refill(spec, b, now);
  b.tokens -= 1;
}

/**
 * The budgets of a call: posting is paced per channel (~1/s) and per method; edits only count against the method's
 * workspace tier. A 429 blocks the budget Slack counted the call against.
 */
export function slackPacer(limits: PacingLimits): Pacer {
  const specOf = (budget: string): BucketSpec =>
    budget.startsWith('channel:')
      ? limits.channel
      : (limits.methods[budget.slice('method:'.length)] ?? { capacity: 1e9, perSecond: 1e9 });
  return {
    budgets(method: SlackMethod, channelId: string) {
      const keys = method === 'chat.postMessage' ? [`channel:${channelId}`] : [];
      if (limits.methods[method]) keys.push(`method:${method}`);
      return keys;
    },
    rateLimitedBudget: (method, channelId) =>
      method === 'chat.postMessage' ? `channel:${channelId}` : `method:${method}`,
    fresh: (budget, now) => fresh(specOf(budget), now),
    waitMs: (budget, state, now) => waitMs(specOf(budget), state, now),
    take: (budget, state, now) => take(specOf(budget), state, now),
  };
}
