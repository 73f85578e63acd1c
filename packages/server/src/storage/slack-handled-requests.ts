// Slack redelivers requests it thinks failed (`X-Slack-Retry-Num`), and Bolt does not deduplicate. Each request's
// stable key is claimed in the database before anything acts on it, so a redelivery — even one reaching another
// instance — is acknowledged without acting twice.
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './database.js';
import type { Database } from './schema.js';

/** Keys are kept well past Slack's retry window (three retries within minutes). */
const KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export class HandledRequests {
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True the first time a key is seen; false for a redelivery. */
  async claim(key: string): Promise<boolean> {
    const now = this.now();
    await this.prune(now);
    try {
      await this.db
        .insertInto('slack_handled_requests')
        .values({ key: key.slice(0, 300), received_at: now.toISOString() })
        .execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  private async prune(now: Date) {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.db
      .deleteFrom('slack_handled_requests')
      .where('received_at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
      .execute();
  }
}
