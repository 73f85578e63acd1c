// Cross-process wake-up for runners on PostgreSQL: LISTEN/NOTIFY on one channel. Only a hint that something may
// be claimable; the database stays the source of truth and runners keep polling, so a lost notification costs at
// most one poll interval.
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { RunSignal } from '../domain/workers.js';
import type { Database } from './schema.js';

const CHANNEL = 'liftoff_runs';

export function postgresRunSignal(db: Kysely<Database>, url: string, logger: Logger): RunSignal {
  return {
    notify() {
      sql`select pg_notify(${CHANNEL}, '')`
        .execute(db)
        .catch((err: unknown) => logger.warn({ err }, 'run notify failed'));
    },
    async listen(onSignal) {
      let client: pg.Client | undefined;
      let closed = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        const c = new pg.Client({ connectionString: url });
        c.on('notification', () => onSignal());
        c.on('error', (err) => {
          logger.warn({ err }, 'run signal connection lost; reconnecting');
          void c.end().catch(() => {});
          if (!closed) retry = setTimeout(() => void connect().catch(() => {}), 1000);
        });
        await c.connect();
        await c.query(`LISTEN ${CHANNEL}`);
        client = c;
      };
      await connect();
      return async () => {
        closed = true;
        clearTimeout(retry);
        await client?.end().catch(() => {});
      };
    },
  };
}
