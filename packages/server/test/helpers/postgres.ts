// PostgreSQL for tests: each test file gets its own schema (test_<random>) through search_path, dropped at the end.
// Unreachable PostgreSQL: skipped with a printed reason outside CI, a failure with CI=true. LIFTOFF_TEST_SKIP=postgres
// (npm run test:quick) skips them on purpose.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requestedSkip } from './requested-skips.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgSchema {
  /** DATABASE_URL with the schema on the search_path. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** Creates a schema, or returns a skip reason (outside CI only). */
export async function createPgSchema(): Promise<PgSchema | { skip: string }> {
  const requested = requestedSkip('postgres');
  if (requested) {
    console.log(`# skipping PostgreSQL tests: ${requested}`);
    return { skip: requested };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
  } catch (err) {
    await client.end().catch(() => {});
    const reason = `PostgreSQL at ${TEST_DATABASE_URL} is unreachable: ${(err as Error).message}`;
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason} (CI=true: failing)`);
    console.log(`# skipping PostgreSQL tests: ${reason}`);
    return { skip: reason };
  }
  await client.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A suite's database on one backend: SQLite needs nothing here; PostgreSQL gets its own schema, or a skip reason. */
export async function backendSchema(
  backend: 'SQLite' | 'PostgreSQL',
): Promise<{ pg?: PgSchema; skip?: string }> {
  if (backend !== 'PostgreSQL') return {};
  const created = await createPgSchema();
  return 'skip' in created ? { skip: created.skip } : { pg: created };
}
