// RunEventFeed on Kysely: the run_events outbox as its followers read it.
import type { Kysely } from 'kysely';
import type { RunEventFeed, RunEventRef } from '../domain/runs.js';
import type { Database } from './schema.js';

export class KyselyRunEventFeed implements RunEventFeed {
  constructor(private readonly db: Kysely<Database>) {}

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('run_events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async after(cursor: number, options: { stackId?: string; limit: number }): Promise<RunEventRef[]> {
    let query = this.db
      .selectFrom('run_events')
      .select(['id', 'run_id', 'stack_id'])
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(options.limit);
    if (options.stackId !== undefined) query = query.where('stack_id', '=', options.stackId);
    const rows = await query.execute();
    return rows.map((r) => ({ id: Number(r.id), run_id: r.run_id, stack_id: r.stack_id }));
  }
}
