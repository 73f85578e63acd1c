// A stack's state is its latest run's state, read on every stack request: index runs by (stack_id, id) so that
// lookup is one index seek instead of a sort of all the stack's runs.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('runs_stack_latest').on('runs').columns(['stack_id', 'id']).execute();
}
