// AuditRepository on Kysely.
import type { Kysely } from 'kysely';
import type { AuditDecision, AuditEvent, AuditRepository } from '../domain/audit.js';
import type { Database } from './schema.js';

export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(event: Omit<AuditEvent, 'id'>): Promise<void> {
    await this.db.insertInto('audit_events').values(event).execute();
  }

  async list(options: { limit: number; before?: number }): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(options.limit);
    if (options.before !== undefined) q = q.where('id', '<', options.before);
    const rows = await q.execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), decision: r.decision as AuditDecision }));
  }
}
