// Web UI sessions (packages/server/src/http/web/sessions.ts): a signed-in browser holds a random token in an
// httpOnly cookie; only its SHA-256 is stored. Revoking the API key ends its sessions (cascade).
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_ip', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_api_key_id').on('web_sessions').column('api_key_id').execute();
}
