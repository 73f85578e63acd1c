// Static migration provider: migrations are imported, not discovered on disk, so they work from TS sources and
// from any bundling. Append new migrations to the list; names sort in application order.
import { Migrator, sql, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_web_sessions.js';
import * as m0003 from './0003_slack.js';
import * as m0004 from './0004_notifications.js';
import * as m0005 from './0005_runs_latest_index.js';
import * as m0006 from './0006_run_artifacts.js';

type DialectMigration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
};

const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_initial': m0001,
  '0002_web_sessions': m0002,
  '0003_slack': m0003,
  '0004_notifications': m0004,
  '0005_runs_latest_index': m0005,
  '0006_run_artifacts': m0006,
};

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, this.dialect) };
    return out;
  }
}

/** Applies pending migrations; returns the names applied. Throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrate(db: Kysely<any>, dialect: Dialect): Promise<string[]> {
  // Without a schema, Kysely's migrator takes a migration table in ANY schema of the database for its own, so
  // another deployment (or test run) sharing the database in its own schema would break this one: pin it to ours.
  const migrationTableSchema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(dialect), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
