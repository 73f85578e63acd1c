// Delivery state in the database. The run_events outbox is fanned out into one slack_messages row per (run,
// subscribed channel); rows are claimed with a lease before any Slack call. All claim work happens in one short
// transaction that holds the dispatch lock row (taken with SKIP LOCKED: a peer already claiming means "try again
// shortly"), so fan-out, rate budgets and claims are consistent across instances on PostgreSQL. Slack calls happen
// outside any transaction (slack/outbound/dispatcher.ts; docs/notifications.md).
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from './database.js';
import type { Database, DeliveryStatus, SlackMessagesTable } from './schema.js';

type Trx = Transaction<Database>;

export type SlackMethod = 'chat.postMessage' | 'chat.update';

/** A rate budget as stored: a token bucket, possibly blocked after a 429. */
export interface BucketState {
  tokens: number;
  updatedMs: number;
  /** Slack said 429 with Retry-After: nothing from this bucket until then. */
  blockedUntilMs: number;
}

/** Slack's rate budgets as the claim step consults them; the arithmetic is slack/outbound/pacing.ts. */
export interface Pacer {
  /** Keys of the budgets one call draws from. */
  budgets(method: SlackMethod, channelId: string): string[];
  /** The budget Slack's 429 for such a call blocks. */
  rateLimitedBudget(method: SlackMethod, channelId: string): string;
  fresh(budget: string, now: number): BucketState;
  /** Milliseconds until the budget has a token (0: now). */
  waitMs(budget: string, state: BucketState, now: number): number;
  take(budget: string, state: BucketState, now: number): void;
}

export interface Claimed {
  runId: string;
  channelId: string;
  stackId: string;
  ts: string | null;
  method: SlackMethod;
  claimToken: string;
  attempts: number;
  /** A previous post of this message started and never recorded its ts: it may or may not be in Slack. */
  uncertainPost: boolean;
  /** Epoch ms of the oldest change not yet shown. */
  pendingSinceMs: number | null;
}

export interface DeliveryRow {
  run_id: string;
  channel_id: string;
  stack_id: string;
  ts: string | null;
  status: DeliveryStatus;
  wanted_version: number;
  sent_version: number;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  uncertain_posts: number;
  calls: number;
  updated_at: string;
}

export interface TickResult {
  /** False when another instance holds the dispatch lock. */
  locked: boolean;
  fannedOut: number;
  claimed: Claimed[];
  /** Earliest time something not claimed now becomes due (for the next wake-up). */
  nextDueMs: number | null;
}

const num = (v: number | string | null | undefined): number =>
  v === null || v === undefined ? 0 : Number(v);

export class DeliveryStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly pacer: Pacer,
  ) {}

  /**
   * One dispatch step: fan out new outbox events, then claim up to `max` due deliveries that the rate budgets
   * allow, leasing each until `now + leaseMs`.
   */
  async tick(now: number, max: number, leaseMs: number): Promise<TickResult> {
    return this.db.transaction().execute(async (trx) => {
      let lock = trx.selectFrom('slack_dispatch_lock').select('id').where('id', '=', 1);
      if (this.dialect === 'postgres') lock = lock.forUpdate().skipLocked();
      const held = await lock.executeTakeFirst();
      if (!held) return { locked: false, fannedOut: 0, claimed: [], nextDueMs: now + 50 };
      const fannedOut = await this.fanOut(trx, now);
      const { claimed, nextDueMs } =
        max > 0 ? await this.claim(trx, now, max, leaseMs) : { claimed: [], nextDueMs: null };
      return { locked: true, fannedOut, claimed, nextDueMs };
    });
  }

  private async fanOut(trx: Trx, now: number): Promise<number> {
    const events = await trx
      .selectFrom('run_events')
      .select(['id', 'run_id', 'stack_id', 'at'])
      .where('slack_fanout_at', 'is', null)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (events.length === 0) return 0;
    const stacks = [...new Set(events.map((e) => e.stack_id))];
    const subs = await trx
      .selectFrom('slack_subscriptions')
      .select(['stack_id', 'channel_id'])
      .where('stack_id', 'in', stacks)
      .where('disabled_reason', 'is', null)
      .execute();
    const channelsOf = new Map<string, string[]>();
    for (const s of subs) channelsOf.set(s.stack_id, [...(channelsOf.get(s.stack_id) ?? []), s.channel_id]);

    // Coalesce per (run, channel): the newest event is what the message must show, the oldest when it became due.
    const rows = new Map<
      string,
      { run_id: string; channel_id: string; stack_id: string; version: number; since: number }
    >();
    for (const e of events) {
      const at = Date.parse(e.at);
      for (const channel of channelsOf.get(e.stack_id) ?? []) {
        const k = `${e.run_id}\u0000${channel}`;
        const r = rows.get(k);
        if (r) {
          r.version = Math.max(r.version, Number(e.id));
          r.since = Math.min(r.since, at);
        } else
          rows.set(k, {
            run_id: e.run_id,
            channel_id: channel,
            stack_id: e.stack_id,
            version: Number(e.id),
            since: at,
          });
      }
    }
    const iso = new Date(now).toISOString();
    const values = [...rows.values()].map((r) => ({
      run_id: r.run_id,
      channel_id: r.channel_id,
      stack_id: r.stack_id,
      ts: null,
      wanted_version: r.version,
      sent_version: 0,
      pending_since_ms: Number.isFinite(r.since) ? r.since : now,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_ms: now,
      claim_token: null,
      claim_until_ms: null,
      post_started_at: null,
      uncertain_posts: 0,
      calls: 0,
      last_error: null,
      created_at: iso,
      updated_at: iso,
    }));
    for (let i = 0; i < values.length; i += 200) {
      await trx
        .insertInto('slack_messages')
        .values(values.slice(i, i + 200))
        .onConflict((oc) =>
          oc.columns(['run_id', 'channel_id']).doUpdateSet({
            wanted_version: sql`CASE WHEN excluded.wanted_version > slack_messages.wanted_version THEN excluded.wanted_version ELSE slack_messages.wanted_version END`,
            // Nothing was pending before: the change is pending since this event.
            pending_since_ms: sql`CASE WHEN slack_messages.sent_version >= slack_messages.wanted_version THEN excluded.pending_since_ms ELSE slack_messages.pending_since_ms END`,
            // A new change revives a parked or disabled message: the subscription is enabled (else no row here)
            // and Slack may be back.
            status: sql`'pending'`,
            attempts: sql`CASE WHEN slack_messages.status = 'pending' THEN slack_messages.attempts ELSE 0 END`,
            next_attempt_ms: sql`CASE WHEN slack_messages.status = 'pending' THEN slack_messages.next_attempt_ms ELSE excluded.next_attempt_ms END`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .execute();
    }
    const ids = events.map((e) => e.id);
    for (let i = 0; i < ids.length; i += 500)
      await trx
        .updateTable('run_events')
        .set({ slack_fanout_at: iso })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    return events.length;
  }

  private async claim(
    trx: Trx,
    now: number,
    max: number,
    leaseMs: number,
  ): Promise<{ claimed: Claimed[]; nextDueMs: number | null }> {
    let q = trx
      .selectFrom('slack_messages')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_ms', '<=', now)
      .whereRef('wanted_version', '>', 'sent_version')
      .where((eb) => eb.or([eb('claim_until_ms', 'is', null), eb('claim_until_ms', '<', now)]))
      .orderBy('next_attempt_ms')
      .orderBy('run_id')
      // Look further than `max`: some candidates will be held back by their channel's budget.
      .limit(Math.max(max * 4, 50));
    if (this.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const candidates = await q.execute();
    if (candidates.length === 0) return { claimed: [], nextDueMs: await this.nextDue(trx, now) };

    const buckets = await this.loadBuckets(trx, candidates, now);
    const claimed: Claimed[] = [];
    const deferred: Array<{ row: SlackMessagesTable; until: number }> = [];
    // Oldest due first; ties by run id (ULIDs sort by creation), so a channel sees runs in the order they started.
    for (const row of candidates) {
      if (claimed.length >= max) break;
      const method: SlackMethod = row.ts ? 'chat.update' : 'chat.postMessage';
      const keys = this.pacer.budgets(method, row.channel_id);
      let wait = 0;
      for (const k of keys) wait = Math.max(wait, this.pacer.waitMs(k, buckets.get(k)!, now));
      if (wait > 0) {
        deferred.push({ row, until: now + wait });
        continue;
      }
      for (const k of keys) this.pacer.take(k, buckets.get(k)!, now);
      claimed.push({
        runId: row.run_id,
        channelId: row.channel_id,
        stackId: row.stack_id,
        ts: row.ts,
        method,
        claimToken: randomUUID(),
        attempts: row.attempts,
        uncertainPost: !row.ts && row.post_started_at !== null,
        pendingSinceMs: row.pending_since_ms === null ? null : num(row.pending_since_ms),
      });
    }
    const iso = new Date(now).toISOString();
    for (const c of claimed) {
      await trx
        .updateTable('slack_messages')
        .set({
          claim_token: c.claimToken,
          claim_until_ms: now + leaseMs,
          calls: sql`calls + 1`,
          // Committed before the call: a crash after this point leaves a visible "post may have happened" mark.
          ...(c.method === 'chat.postMessage' ? { post_started_at: iso } : {}),
          ...(c.uncertainPost ? { uncertain_posts: sql`uncertain_posts + 1` } : {}),
          updated_at: iso,
        })
        .where('run_id', '=', c.runId)
        .where('channel_id', '=', c.channelId)
        .execute();
    }
    // Held back by a budget: due again when a token is there, so the next claims look at other rows.
    for (const d of deferred)
      await trx
        .updateTable('slack_messages')
        .set({ next_attempt_ms: d.until })
        .where('run_id', '=', d.row.run_id)
        .where('channel_id', '=', d.row.channel_id)
        .execute();
    await this.saveBuckets(trx, buckets);
    const soonest = deferred.reduce<number | null>((m, d) => (m === null || d.until < m ? d.until : m), null);
    const more = candidates.length > claimed.length + deferred.length ? now : null;
    return { claimed, nextDueMs: more ?? soonest ?? (await this.nextDue(trx, now)) };
  }

  private async nextDue(trx: Trx, now: number): Promise<number | null> {
    const row = await trx
      .selectFrom('slack_messages')
      .select((eb) => eb.fn.min('next_attempt_ms').as('next'))
      .where('status', '=', 'pending')
      .whereRef('wanted_version', '>', 'sent_version')
      // Rows in flight are not due: their outcome reschedules them.
      .where((eb) => eb.or([eb('claim_until_ms', 'is', null), eb('claim_until_ms', '<', now)]))
      .executeTakeFirst();
    if (!row || row.next === null || row.next === undefined) return null;
    return Math.max(now, num(row.next as number | string));
  }

  private async loadBuckets(
    trx: Trx,
    rows: SlackMessagesTable[],
    now: number,
  ): Promise<Map<string, BucketState>> {
    const keys = new Set<string>();
    for (const r of rows)
      for (const k of this.pacer.budgets(r.ts ? 'chat.update' : 'chat.postMessage', r.channel_id))
        keys.add(k);
    const stored = await trx
      .selectFrom('slack_rate_buckets')
      .selectAll()
      .where('key', 'in', [...keys])
      .execute();
    const map = new Map<string, BucketState>();
    for (const s of stored)
      map.set(s.key, {
        tokens: Number(s.tokens),
        updatedMs: num(s.updated_ms),
        blockedUntilMs: num(s.blocked_until_ms),
      });
    for (const k of keys) if (!map.has(k)) map.set(k, this.pacer.fresh(k, now));
    return map;
  }

  private async saveBuckets(trx: Trx, buckets: Map<string, BucketState>): Promise<void> {
    const values = [...buckets].map(([key, b]) => ({
      key,
      tokens: b.tokens,
      updated_ms: b.updatedMs,
      blocked_until_ms: b.blockedUntilMs,
    }));
    for (let i = 0; i < values.length; i += 200)
      await trx
        .insertInto('slack_rate_buckets')
        .values(values.slice(i, i + 200))
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            tokens: sql`excluded.tokens`,
            updated_ms: sql`excluded.updated_ms`,
            blocked_until_ms: sql`excluded.blocked_until_ms`,
          }),
        )
        .execute();
  }

  /** Slack answered 429: nothing more from this budget until Retry-After has passed (for every instance). */
  async blockBucket(method: SlackMethod, channel: string, untilMs: number): Promise<void> {
    const key = this.pacer.rateLimitedBudget(method, channel);
    await this.db
      .insertInto('slack_rate_buckets')
      .values({ key, tokens: 0, updated_ms: Date.now(), blocked_until_ms: untilMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          tokens: 0,
          blocked_until_ms: sql`CASE WHEN excluded.blocked_until_ms > slack_rate_buckets.blocked_until_ms THEN excluded.blocked_until_ms ELSE slack_rate_buckets.blocked_until_ms END`,
        }),
      )
      .execute();
  }

  /** Newest outbox event of the run: read before the run itself, so the run loaded next shows at least this. */
  async currentVersion(runId: string): Promise<number> {
    const row = await this.db
      .selectFrom('run_events')
      .select((eb) => eb.fn.max('id').as('v'))
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return num(row?.v as number | string | null | undefined);
  }

  /**
   * Records a successful call. The ts is stored even if our lease was lost meanwhile (it names a message that
   * exists); returns false when another post had already stored one — a duplicate message in the channel.
   */
  async succeeded(c: Claimed, ts: string, version: number, now: number): Promise<boolean> {
    const iso = new Date(now).toISOString();
    let unique = true;
    if (c.method === 'chat.postMessage') {
      const r = await this.db
        .updateTable('slack_messages')
        .set({ ts, post_started_at: null })
        .where('run_id', '=', c.runId)
        .where('channel_id', '=', c.channelId)
        .where('ts', 'is', null)
        .executeTakeFirst();
      unique = Number(r.numUpdatedRows) > 0;
    }
    await this.db
      .updateTable('slack_messages')
      .set({
        sent_version: sql`CASE WHEN ${version} > sent_version THEN ${version} ELSE sent_version END`,
        pending_since_ms: sql`CASE WHEN wanted_version > ${version} THEN pending_since_ms ELSE NULL END`,
        attempts: 0,
        last_error: null,
        claim_token: null,
        claim_until_ms: null,
        next_attempt_ms: now,
        updated_at: iso,
      })
      .where('run_id', '=', c.runId)
      .where('channel_id', '=', c.channelId)
      .where('claim_token', '=', c.claimToken)
      .execute();
    return unique;
  }

  /** Releases the claim; the row is due again at `retryAtMs` (or parked / disabled per `status`). */
  async failed(
    c: Claimed,
    outcome: {
      status: DeliveryStatus;
      retryAtMs: number;
      error: string;
      countAttempt: boolean;
      forgetTs?: boolean;
      postNotSent?: boolean;
    },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('slack_messages')
      .set({
        status: outcome.status,
        next_attempt_ms: outcome.retryAtMs,
        attempts: outcome.countAttempt ? sql`attempts + 1` : sql`attempts`,
        last_error: outcome.error.slice(0, 500),
        claim_token: null,
        claim_until_ms: null,
        // Slack told us the post was refused (not ambiguous): no message exists, so the next post is not a risk.
        ...(outcome.postNotSent ? { post_started_at: null } : {}),
        ...(outcome.forgetTs ? { ts: null, post_started_at: null } : {}),
        updated_at: new Date(now).toISOString(),
      })
      .where('run_id', '=', c.runId)
      .where('channel_id', '=', c.channelId)
      .where('claim_token', '=', c.claimToken)
      .execute();
  }

  /** The run is gone (stack deleted): nothing to show any more. */
  async drop(c: Claimed): Promise<void> {
    await this.db
      .deleteFrom('slack_messages')
      .where('run_id', '=', c.runId)
      .where('channel_id', '=', c.channelId)
      .execute();
  }

  /** The channel cannot be posted to: every subscription of it is disabled and its pending messages stop. */
  async disableChannel(channelId: string, reason: string, now: number): Promise<void> {
    const iso = new Date(now).toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('slack_subscriptions')
        .set({ disabled_reason: reason, disabled_at: iso })
        .where('channel_id', '=', channelId)
        .where('disabled_reason', 'is', null)
        .execute();
      await trx
        .updateTable('slack_messages')
        .set({
          status: 'disabled',
          last_error: reason,
          claim_token: null,
          claim_until_ms: null,
          updated_at: iso,
        })
        .where('channel_id', '=', channelId)
        .where('status', '=', 'pending')
        .execute();
    });
  }

  /** Single-process databases (SQLite): claims left by a previous process of this one are void at start-up. */
  async releaseAllClaims(): Promise<void> {
    await this.db
      .updateTable('slack_messages')
      .set({ claim_token: null, claim_until_ms: null })
      .where('claim_token', 'is not', null)
      .execute();
  }

  async list(filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]> {
    let q = this.db
      .selectFrom('slack_messages')
      .selectAll()
      .orderBy('updated_at', 'desc')
      .limit(filter.limit);
    if (filter.status) q = q.where('status', '=', filter.status);
    const rows = await q.execute();
    return rows.map((r) => ({
      run_id: r.run_id,
      channel_id: r.channel_id,
      stack_id: r.stack_id,
      ts: r.ts,
      status: r.status,
      wanted_version: num(r.wanted_version),
      sent_version: num(r.sent_version),
      attempts: r.attempts,
      next_attempt_at: new Date(num(r.next_attempt_ms)).toISOString(),
      last_error: r.last_error,
      uncertain_posts: r.uncertain_posts,
      calls: r.calls,
      updated_at: r.updated_at,
    }));
  }

  /** Puts parked deliveries back in the queue (admin action). */
  async retryFailed(now: number, runId?: string): Promise<number> {
    let q = this.db
      .updateTable('slack_messages')
      .set({ status: 'pending', attempts: 0, next_attempt_ms: now, updated_at: new Date(now).toISOString() })
      .where('status', '=', 'failed');
    if (runId) q = q.where('run_id', '=', runId);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  /** Counts for /metrics: queued (waiting to be shown), failed (parked), disabled; and the oldest pending change. */
  async stats(): Promise<{
    queued: number;
    failed: number;
    disabled: number;
    oldestPendingMs: number | null;
    unfannedEvents: number;
  }> {
    const rows = await this.db
      .selectFrom('slack_messages')
      .select((eb) => [
        'status',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.min('pending_since_ms').as('oldest'),
      ])
      .whereRef('wanted_version', '>', 'sent_version')
      .groupBy('status')
      .execute();
    const out = {
      queued: 0,
      failed: 0,
      disabled: 0,
      oldestPendingMs: null as number | null,
      unfannedEvents: 0,
    };
    for (const r of rows) {
      const n = Number(r.n);
      if (r.status === 'pending') {
        out.queued = n;
        out.oldestPendingMs =
          r.oldest === null || r.oldest === undefined ? null : num(r.oldest as number | string);
      } else if (r.status === 'failed') out.failed = n;
      else out.disabled = n;
    }
    const ev = await this.db
      .selectFrom('run_events')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('slack_fanout_at', 'is', null)
      .executeTakeFirst();
    out.unfannedEvents = Number(ev?.n ?? 0);
    return out;
  }
}
