// Worker registry: each runner process holds a lease (heartbeat) so that live workers never fail each other's
// runs, while runs of a dead worker are recovered.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface WorkerRecord {
  id: string;
  hostname: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
}

export class WorkerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async register(worker: WorkerRecord): Promise<void> {
    await this.db.insertInto('workers').values(worker).execute();
  }

  /**
   * Renews the lease. Returns false when the row was gone: another worker declared us dead (e.g. the event loop
   * stalled past the lease); the caller re-registers so its later runs are not treated as orphans.
   */
  async heartbeat(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('workers')
      .set({ heartbeat_at: at })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async list(): Promise<WorkerRecord[]> {
    return (await this.db.selectFrom('workers').selectAll().execute()).map((w) => ({
      ...w,
      pid: Number(w.pid),
    }));
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('workers').where('id', 'in', ids).execute();
  }
}
