// Table types of the Slack app's tables (migration 0003_slack), kept next to the code that owns them.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

export interface SlackInstallationsTable {
  id: string;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  is_enterprise_install: number;
  app_id: string | null;
  bot_user_id: string;
  bot_id: string | null;
  /** AES-256-GCM ciphertext (token-cipher.ts), never the token. */
  bot_token: string;
  bot_refresh_token: string | null;
  bot_token_expires_at: string | null;
  scopes: string;
  installed_by: string | null;
  installer_slack_user_id: string | null;
  installed_at: string;
  active: number;
  deactivated_at: string | null;
  deactivated_reason: string | null;
  updated_at: string;
}

export interface SlackSubscriptionsTable {
  stack_id: string;
  channel_id: string;
  channel_name: string;
  team_id: string | null;
  created_by: string;
  created_at: string;
  disabled_reason: string | null;
  disabled_at: string | null;
}

export interface SlackHandledRequestsTable {
  key: string;
  received_at: string;
}

export type SlackDatabase = Database & {
  slack_installations: SlackInstallationsTable;
  slack_subscriptions: SlackSubscriptionsTable;
  slack_handled_requests: SlackHandledRequestsTable;
};

/** The shared Kysely instance seen with the Slack tables. */
export function slackDb(db: Kysely<Database>): Kysely<SlackDatabase> {
  return db as unknown as Kysely<SlackDatabase>;
}
