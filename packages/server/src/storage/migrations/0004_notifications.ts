// Slack notification delivery (src/notifications): one row per (run, channel) message, shared rate budgets and a
// dispatch lock row. `run_events` gains a fan-out mark so each outbox event is turned into deliveries exactly
// once, whatever order concurrent transactions commit in (a high-water mark on the id would skip late commits).
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('run_events').addColumn('slack_fanout_at', 'text').execute();
  // Events from before this migration are history, not news: never announce them.
  await db
    .updateTable('run_events')
    .set({ slack_fanout_at: new Date().toISOString() })
    .where('slack_fanout_at', 'is', null)
    .execute();
  await db.schema
    .createIndex('run_events_slack_pending')
    .on('run_events')
    .column('id')
    .where(sql.ref('slack_fanout_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('slack_messages')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('stack_id', 'text', (c) => c.notNull())
    // Slack's message ts once posted; every later change is a chat.update of it.
    .addColumn('ts', 'text')
    // Versions are run_events ids: wanted = newest change to show, sent = newest change shown.
    .addColumn('wanted_version', 'bigint', (c) => c.notNull())
    .addColumn('sent_version', 'bigint', (c) => c.notNull().defaultTo(0))
    // Epoch ms of the oldest change not yet shown (lag, latency).
    .addColumn('pending_since_ms', 'bigint')
    // pending | failed (parked after bounded retries) | disabled (channel unusable)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claim_until_ms', 'bigint')
    // Set (and committed) before chat.postMessage is sent, cleared with the ts: a row found with this set and no
    // ts is a post whose outcome is unknown (crash or ambiguous network error mid-call).
    .addColumn('post_started_at', 'text')
    .addColumn('uncertain_posts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('slack_messages_pk', ['run_id', 'channel_id'])
    .execute();
  await db.schema
    .createIndex('slack_messages_due')
    .on('slack_messages')
    .columns(['status', 'next_attempt_ms'])
    .execute();
  await db.schema.createIndex('slack_messages_channel').on('slack_messages').column('channel_id').execute();

  // Token buckets shared by all instances (per channel, per method): Slack's limits are per app and workspace,
  // not per process.
  await db.schema
    .createTable('slack_rate_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .addColumn('blocked_until_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  // One row; the dispatcher's claim transaction locks it (SKIP LOCKED: a busy peer means "try again shortly").
  await db.schema
    .createTable('slack_dispatch_lock')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .execute();
  await db.insertInto('slack_dispatch_lock').values({ id: 1 }).execute();
}
