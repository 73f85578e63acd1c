// Slack's Web API rate limits: each method has a tier with a per-minute budget, counted per app per
// workspace; chat.postMessage is special — about one message per second per channel, with short
// bursts tolerated. Over budget, Slack answers HTTP 429 with `Retry-After: <seconds>`.
// https://api.slack.com/apis/rate-limits
//
// Modelled as token buckets (capacity = budget, refilled evenly over the window), which matches
// "N per minute, bursts tolerated" closely enough while staying deterministic under the sim clock.

export type Tier = 1 | 2 | 3 | 4;

/** Slack's published minimums per tier ("1+", "20+", "50+", "100+" per minute). */
export const SLACK_TIER_PER_MINUTE: Record<Tier, number> = { 1: 1, 2: 20, 3: 50, 4: 100 };

/** Tiers of the methods the simulator implements (from each method's reference page). */
export const METHOD_TIERS: Record<string, Tier> = {
  'auth.test': 4,
  'apps.connections.open': 3,
  'auth.revoke': 3,
  'team.info': 3,
  'users.info': 4,
  'usergroups.list': 2,
  'usergroups.users.list': 2,
  'conversations.info': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'chat.update': 3,
  'chat.postEphemeral': 4,
  'chat.unfurl': 3,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'files.upload': 2,
  'oauth.v2.access': 4,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
};

export interface Budget {
  limit: number;
  windowMs: number;
}

export type RateLimitConfig =
  | { mode: 'off' }
  | { mode: 'slack' }
  | {
      mode: 'custom';
      /** Per-minute budgets replacing Slack's tier budgets. */
      tiers?: Partial<Record<Tier, number>>;
      /** Budgets for single methods (per app per workspace), overriding their tier. */
      methods?: Record<string, Budget>;
      /** chat.postMessage per channel: sustained rate and burst. */
      postMessagePerChannel?: { perSecond: number; burst: number };
    };

const SLACK_POST_MESSAGE = { perSecond: 1, burst: 3 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private config: RateLimitConfig;
  private buckets = new Map<string, Bucket>();

  constructor(
    config: RateLimitConfig,
    private readonly now: () => number,
  ) {
    this.config = config;
  }

  configure(config: RateLimitConfig): void {
    this.config = config;
    this.buckets.clear();
  }

  get current(): RateLimitConfig {
    return this.config;
  }

  reset(): void {
    this.buckets.clear();
  }

  /**
   * Take one unit of budget for a call. `scope` is the app+workspace the call counts against;
   * `channel` only matters for chat.postMessage. Methods without a tier (unknown) are not limited.
   */
  take(method: string, scope: string, channel?: string): RateDecision {
    if (this.config.mode === 'off') return { allowed: true, retryAfterSeconds: 0 };
    const budget = this.budgetFor(method);
    if (!budget) return { allowed: true, retryAfterSeconds: 0 };
    const key =
      method === 'chat.postMessage' && channel ? `${method}|${scope}|${channel}` : `${method}|${scope}`;
    return this.takeFrom(key, budget);
  }

  private budgetFor(method: string): Budget | undefined {
    const cfg = this.config;
    if (cfg.mode === 'custom' && cfg.methods?.[method]) return cfg.methods[method];
    if (method === 'chat.postMessage') {
      const pm = (cfg.mode === 'custom' ? cfg.postMessagePerChannel : undefined) ?? SLACK_POST_MESSAGE;
      // A burst of `burst` messages, refilled at `perSecond`: capacity burst over burst/perSecond seconds.
      return { limit: pm.burst, windowMs: (pm.burst / pm.perSecond) * 1000 };
    }
    const tier = METHOD_TIERS[method];
    if (!tier) return undefined;
    const perMinute = (cfg.mode === 'custom' ? cfg.tiers?.[tier] : undefined) ?? SLACK_TIER_PER_MINUTE[tier];
    return { limit: perMinute, windowMs: 60_000 };
  }

  private takeFrom(key: string, budget: Budget): RateDecision {
    const now = this.now();
    // A zero budget refuses everything; tell callers to come back after one window.
    if (budget.limit <= 0)
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(budget.windowMs / 1000)) };
    const refillPerMs = budget.limit / budget.windowMs;
    const b = this.buckets.get(key) ?? { tokens: budget.limit, updatedAt: now };
    b.tokens = Math.min(budget.limit, b.tokens + (now - b.updatedAt) * refillPerMs);
    b.updatedAt = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const waitMs = (1 - b.tokens) / refillPerMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}
