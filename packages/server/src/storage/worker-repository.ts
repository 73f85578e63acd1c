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

  async heartbeat(id: string, at: string): Promise<void> {
    await this.db.updateTable('workers').set({ heartbeat_at: at }).where('id', '=', id).execute();
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
