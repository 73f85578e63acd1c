// Runs apply what was planned (docs/runs.md): plan artifacts kept in the database in encrypted chunks (one row per
// chunk, so neither database ever holds a whole archive as one value), the stack's tool preset, and the planned
// resource changes of a run. Append-only, like every migration.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('stacks').addColumn('tool', 'text').execute();
  // JSON list of {address, action, actions}; null when unknown (custom commands).
  await db.schema.alterTable('runs').addColumn('resource_changes', 'text').execute();

  await db.schema
    .createTable('run_artifacts')
    .addColumn('run_id', 'text', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    // 0 while chunks are being written; an incomplete artifact is never read.
    .addColumn('complete', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('run_artifact_chunks')
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_artifact_chunks_pk', ['run_id', 'seq'])
    .execute();
}
