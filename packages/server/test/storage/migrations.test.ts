// Several deployments (or test runs) may share one PostgreSQL database, each in its own schema: migrating one
// must not be confused by another schema's migration tables.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations/index.js';
import { createPgSchema, TEST_DATABASE_URL, type PgSchema } from '../helpers/postgres.js';

let ours: PgSchema | { skip: string };
let theirs: PgSchema | { skip: string };

before(async () => {
  theirs = await createPgSchema();
  ours = await createPgSchema();
  if ('skip' in theirs) return;
  // A half-migrated neighbour: Kysely's lock table exists there, and nowhere else.
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE ${theirs.schema}.kysely_migration_lock (id varchar(255) PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`,
    );
  } finally {
    await client.end();
  }
});

after(async () => {
  for (const s of [ours, theirs]) if (s && !('skip' in s)) await s.drop();
});

test('PostgreSQL: migrations apply in our schema while another schema has its own migration tables', async (t) => {
  if ('skip' in ours) return t.skip(ours.skip);
  const storage = openDatabase({ kind: 'postgres', url: ours.url });
  try {
    const applied = await migrate(storage.db, storage.dialect);
    assert.ok(applied.includes('0001_initial'), `applied: ${applied.join(', ')}`);
    assert.deepEqual(await migrate(storage.db, storage.dialect), [], 'a second migrate applies nothing');
  } finally {
    await storage.close();
  }
});
