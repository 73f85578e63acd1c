// When in-process caches of access data (API keys, policies, attachments) must be dropped. Three sources:
// - a write through this process: synchronous, so this instance's next request sees it;
// - a write through another instance on PostgreSQL: NOTIFY on one channel, usually delivered within milliseconds
//   of the commit;
// - a time-to-live on every cache entry: the bound for what NOTIFY cannot cover (a notification lost with its
//   connection, a write by other means such as psql or a second process on one SQLite file).
// While the PostgreSQL listener is not connected, caches are bypassed, so a lost connection costs speed, not
// correctness.
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './schema.js';

const CHANNEL = 'liftoff_access';
export const DEFAULT_ACCESS_CACHE_TTL_MS = 1000;

export class AccessChanges {
  /** Bumped on every invalidation; a cache entry is valid only in the epoch it was filled in. */
  epoch = 0;
  /** False while a cross-instance signal is expected but not connected: callers must not use their caches. */
  usable: boolean;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly ttlMs: number = DEFAULT_ACCESS_CACHE_TTL_MS,
    private readonly publish?: () => Promise<void>,
    usable = true,
  ) {
    this.usable = usable;
  }

  /** Drops every cache in this process. */
  invalidate(): void {
    this.epoch++;
    for (const listener of this.listeners) listener();
  }

  /** Called after a write that changes access data: local caches now, other instances through the database. */
  async changed(): Promise<void> {
    this.invalidate();
    await this.publish?.();
  }

  onInvalidate(listener: () => void): void {
    this.listeners.add(listener);
  }
}

export interface AccessChangeFeed {
  changes: AccessChanges;
  /** Starts listening (PostgreSQL); resolves once connected. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Single process (SQLite): local writes and the time-to-live are all there is. */
export function localAccessChanges(ttlMs?: number): AccessChangeFeed {
  const changes = new AccessChanges(ttlMs);
  return { changes, start: async () => {}, stop: async () => {} };
}

/** Several instances on one PostgreSQL database: LISTEN/NOTIFY between them. */
export function postgresAccessChanges(
  db: Kysely<Database>,
  url: string,
  logger: Logger,
  ttlMs?: number,
): AccessChangeFeed {
  const changes = new AccessChanges(
    ttlMs,
    async () => {
      // The write has committed: a failed notification must not fail it; the time-to-live bounds the damage.
      await sql`select pg_notify(${CHANNEL}, '')`
        .execute(db)
        .catch((err: unknown) => logger.warn({ err }, 'access change notify failed'));
    },
    false,
  );
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const lost = (err: unknown) => {
    if (closed) return;
    logger.warn({ err }, 'access change listener lost; caches bypassed until it reconnects');
    changes.usable = false;
    changes.invalidate();
    retry = setTimeout(() => void connect(), 1000);
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', () => changes.invalidate());
    c.on('error', (err) => {
      // Errors while connecting are handled below; this is a connection that was up.
      if (client !== c) return;
      client = undefined;
      void c.end().catch(() => {});
      lost(err);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      void c.end().catch(() => {});
      lost(err);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    // Anything cached before now may have missed a notification.
    changes.invalidate();
    changes.usable = true;
  };

  return {
    changes,
    start: () => connect(),
    async stop() {
      closed = true;
      clearTimeout(retry);
      changes.usable = false;
      await client?.end().catch(() => {});
    },
  };
}
