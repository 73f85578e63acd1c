// Channel subscriptions: which Slack channels follow which stack's runs (docs/slack.md). Created and removed by the
// slash commands; read by notification delivery, which also sets `disabled_reason` when a channel cannot be posted to.
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './database.js';
import type { Database, SlackSubscriptionsTable } from './schema.js';

export type Subscription = SlackSubscriptionsTable;

export class SubscriptionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Subscribes a channel; re-subscribing re-enables a subscription that delivery had disabled.
   * Returns false when the channel was already subscribed (and enabled).
   */
  async add(input: {
    stackId: string;
    channelId: string;
    channelName: string;
    teamId: string | null;
    createdBy: string;
  }): Promise<boolean> {
    try {
      await this.db
        .insertInto('slack_subscriptions')
        .values({
          stack_id: input.stackId,
          channel_id: input.channelId,
          channel_name: input.channelName,
          team_id: input.teamId,
          created_by: input.createdBy,
          created_at: this.now().toISOString(),
          disabled_reason: null,
          disabled_at: null,
        })
        .execute();
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const r = await this.db
        .updateTable('slack_subscriptions')
        .set({ disabled_reason: null, disabled_at: null, channel_name: input.channelName })
        .where('stack_id', '=', input.stackId)
        .where('channel_id', '=', input.channelId)
        .where('disabled_reason', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    }
  }

  async remove(stackId: string, channelId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('slack_subscriptions')
      .where('stack_id', '=', stackId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  ofChannel(channelId: string): Promise<Subscription[]> {
    return this.db
      .selectFrom('slack_subscriptions')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('stack_id')
      .execute();
  }

  /** Enabled subscriptions of a stack (where its run messages go), or all of them with `includeDisabled`. */
  ofStack(stackId: string, options: { includeDisabled?: boolean } = {}): Promise<Subscription[]> {
    let q = this.db.selectFrom('slack_subscriptions').selectAll().where('stack_id', '=', stackId);
    if (!options.includeDisabled) q = q.where('disabled_reason', 'is', null);
    return q.orderBy('created_at').execute();
  }

  /** Subscriptions delivery stopped, newest first, with the reason (the admin's view of deliveries). */
  disabled(): Promise<
    Array<Pick<Subscription, 'stack_id' | 'channel_id' | 'channel_name' | 'disabled_reason' | 'disabled_at'>>
  > {
    return this.db
      .selectFrom('slack_subscriptions')
      .select(['stack_id', 'channel_id', 'channel_name', 'disabled_reason', 'disabled_at'])
      .where('disabled_reason', 'is not', null)
      .orderBy('disabled_at', 'desc')
      .execute();
  }

  async disable(stackId: string, channelId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('slack_subscriptions')
      .set({ disabled_reason: reason, disabled_at: this.now().toISOString() })
      .where('stack_id', '=', stackId)
      .where('channel_id', '=', channelId)
      .execute();
  }
}
