// Slack app (src/slack): the deployment's one installation, channel subscriptions, and the keys of requests
// already handled (Slack redelivers; a retry must never act twice). Append-only, like every migration.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('slack_installations')
    // One row per deployment: the id is a constant so a second install replaces the first.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text')
    .addColumn('team_name', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('enterprise_name', 'text')
    .addColumn('is_enterprise_install', 'integer', (c) => c.notNull())
    .addColumn('app_id', 'text')
    .addColumn('bot_user_id', 'text', (c) => c.notNull())
    .addColumn('bot_id', 'text')
    .addColumn('bot_token', 'text', (c) => c.notNull())
    .addColumn('bot_refresh_token', 'text')
    .addColumn('bot_token_expires_at', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('installed_by', 'text')
    .addColumn('installer_slack_user_id', 'text')
    .addColumn('installed_at', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('deactivated_at', 'text')
    .addColumn('deactivated_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('slack_subscriptions')
    .addColumn('stack_id', 'text', (c) => c.notNull().references('stacks.id').onDelete('cascade'))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Set by notification delivery when the channel cannot be posted to (archived, bot removed, …).
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', 'text')
    .addPrimaryKeyConstraint('slack_subscriptions_pk', ['stack_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('slack_subscriptions_channel')
    .on('slack_subscriptions')
    .column('channel_id')
    .execute();

  await db.schema
    .createTable('slack_handled_requests')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('slack_handled_requests_received_at')
    .on('slack_handled_requests')
    .column('received_at')
    .execute();
}
