// WorkerRegistry (domain/workers.ts) on Kysely.
import type { Kysely } from 'kysely';
import type { WorkerRecord, WorkerRegistry } from '../domain/workers.js';
import type { Database } from './schema.js';

export class WorkerRepository implements WorkerRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  async register(worker: WorkerRecord): Promise<void> {
    await this.db.insertInto('workers').values(worker).execute();
  }

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
