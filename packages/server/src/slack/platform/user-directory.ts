// users.info, cached: every command and click needs the user's profile for the policy input, and Slack rate-limits
// users.info (tier 4). A bounded LRU with a TTL keeps memory flat and lets changes (a new admin, a deactivated
// user) reach policies within minutes; concurrent lookups of one user share a single call.
import type { WebClient } from '@slack/web-api';

/** The part of Slack's user object the policy input needs (docs/policies.md). */
export interface SlackUser {
  id: string;
  deleted?: boolean;
  real_name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  has_2fa?: boolean;
  profile?: { display_name?: string; real_name?: string };
  enterprise_user?: {
    id?: string;
    enterprise_id?: string;
    enterprise_name?: string;
    is_admin?: boolean;
    is_owner?: boolean;
    teams?: string[];
  };
}

export interface UserDirectoryOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

export class UserDirectory {
  private readonly entries = new Map<string, { user: SlackUser; expires: number }>();
  private readonly inflight = new Map<string, Promise<SlackUser>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: UserDirectoryOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.ttlMs = options.ttlMs ?? 5 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** The user, from cache or users.info with `client` (the bot's). Slack errors propagate. */
  async get(client: WebClient, teamKey: string, userId: string): Promise<SlackUser> {
    const key = `${teamKey}:${userId}`;
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.user;
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = (async () => {
      const r = await client.users.info({ user: userId });
      if (!r.user) throw new Error('users.info answered without a user');
      const user = r.user as SlackUser;
      this.entries.delete(key);
      this.entries.set(key, { user, expires: this.now() + this.ttlMs });
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      return user;
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Whether a fresh entry exists (the handlers answer in the ack when no Slack call is needed). */
  has(teamKey: string, userId: string): boolean {
    const hit = this.entries.get(`${teamKey}:${userId}`);
    return hit !== undefined && hit.expires > this.now();
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
