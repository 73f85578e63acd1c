// The deployment's one Slack installation row (docs/slack.md). Tokens arrive here already encrypted
// (slack/platform/installation.ts) and leave encrypted: this module never sees a token in clear.
import type { Kysely } from 'kysely';
import type { Database, SlackInstallationsTable } from './schema.js';

/** One row per deployment: a second install replaces the first. */
const ROW_ID = 'deployment';

export type SlackInstallationRow = Omit<SlackInstallationsTable, 'id'>;

export class SlackInstallationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  get(): Promise<SlackInstallationRow | undefined> {
    return this.db
      .selectFrom('slack_installations')
      .selectAll()
      .where('id', '=', ROW_ID)
      .executeTakeFirst()
      .then((row) => {
        if (!row) return undefined;
        const { id: _id, ...rest } = row;
        return rest;
      });
  }

  /** Stores the installation, replacing any earlier one. */
  async save(row: SlackInstallationRow): Promise<void> {
    await this.db
      .insertInto('slack_installations')
      .values({ id: ROW_ID, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  /** Marks it inactive; false when it already was (unless `force`, which overwrites the reason). */
  async deactivate(reason: string, at: string, force: boolean): Promise<boolean> {
    let q = this.db
      .updateTable('slack_installations')
      .set({ active: 0, deactivated_at: at, deactivated_reason: reason, updated_at: at })
      .where('id', '=', ROW_ID);
    if (!force) q = q.where('active', '=', 1);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async remove(): Promise<void> {
    await this.db.deleteFrom('slack_installations').where('id', '=', ROW_ID).execute();
  }

  /** Records that the bot token expires at `at` (Slack said token_expired): the next use refreshes it. */
  async expireToken(at: string): Promise<void> {
    await this.db
      .updateTable('slack_installations')
      .set({ bot_token_expires_at: at })
      .where('id', '=', ROW_ID)
      .execute();
  }

  /** Stores rotated (encrypted) tokens. */
  async rotate(
    tokens: Pick<
      SlackInstallationRow,
      'bot_token' | 'bot_refresh_token' | 'bot_token_expires_at' | 'updated_at'
    >,
  ): Promise<void> {
    await this.db.updateTable('slack_installations').set(tokens).where('id', '=', ROW_ID).execute();
  }
}
