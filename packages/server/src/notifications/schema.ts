// Table types of notification delivery (migration 0004_notifications), next to the code that owns them.
import type { Kysely } from 'kysely';
import type { SlackDatabase } from '../slack/schema.js';
import type { Database } from '../storage/schema.js';

export interface SlackMessagesTable {
  run_id: string;
  channel_id: string;
  stack_id: string;
  ts: string | null;
  wanted_version: number | string;
  sent_version: number | string;
  pending_since_ms: number | string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_ms: number | string;
  claim_token: string | null;
  claim_until_ms: number | string | null;
  post_started_at: string | null;
  uncertain_posts: number;
  calls: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'failed' | 'disabled';

export interface SlackRateBucketsTable {
  key: string;
  tokens: number;
  updated_ms: number | string;
  blocked_until_ms: number | string;
}

export interface SlackDispatchLockTable {
  id: number;
}

export type NotifyDatabase = SlackDatabase & {
  run_events: Database['run_events'] & { slack_fanout_at: string | null };
  slack_messages: SlackMessagesTable;
  slack_rate_buckets: SlackRateBucketsTable;
  slack_dispatch_lock: SlackDispatchLockTable;
};

export function notifyDb(db: Kysely<Database>): Kysely<NotifyDatabase> {
  return db as unknown as Kysely<NotifyDatabase>;
}
