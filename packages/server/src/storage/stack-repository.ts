// StackRepository on Kysely.
import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../domain/errors.js';
import { ACTIVE_STATES } from '../domain/run-states.js';
import type { RunState } from '../domain/run-states.js';
import type { Stack, StackFields, StackRepository, StackTool } from '../domain/stacks.js';
import { isUniqueViolation } from './database.js';
import type { Database, StacksTable } from './schema.js';

type Row = Selectable<StacksTable> & { state: string | null };

function toStack(row: Row): Stack {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    labels: JSON.parse(row.labels) as string[],
    repository: row.repository,
    branch: row.branch,
    project_root: row.project_root,
    autodeploy: Boolean(row.autodeploy),
    administrative: Boolean(row.administrative),
    tool: (row.tool ?? null) as StackTool | null,
    // "null": the tool's standard workflow.
    commands: JSON.parse(row.commands) as Stack['commands'],
    env: JSON.parse(row.env) as Record<string, string>,
    locked_by: row.locked_by,
    namespace: row.namespace,
    terraform_version: row.terraform_version,
    state: (row.state ?? 'NONE') as RunState | 'NONE',
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toColumns(fields: Partial<StackFields>): Partial<StacksTable> {
  const out: Partial<StacksTable> = {};
  if (fields.name !== undefined) out.name = fields.name;
  if (fields.description !== undefined) out.description = fields.description;
  if (fields.labels !== undefined) out.labels = JSON.stringify(fields.labels);
  if (fields.repository !== undefined) out.repository = fields.repository;
  if (fields.branch !== undefined) out.branch = fields.branch;
  if (fields.project_root !== undefined) out.project_root = fields.project_root;
  if (fields.autodeploy !== undefined) out.autodeploy = fields.autodeploy ? 1 : 0;
  if (fields.administrative !== undefined) out.administrative = fields.administrative ? 1 : 0;
  if (fields.tool !== undefined) out.tool = fields.tool;
  if (fields.commands !== undefined) out.commands = JSON.stringify(fields.commands);
  if (fields.env !== undefined) out.env = JSON.stringify(fields.env);
  if (fields.locked_by !== undefined) out.locked_by = fields.locked_by;
  if (fields.namespace !== undefined) out.namespace = fields.namespace;
  if (fields.terraform_version !== undefined) out.terraform_version = fields.terraform_version;
  return out;
}

export class KyselyStackRepository implements StackRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('stacks')
      .selectAll('stacks')
      .select((eb) =>
        eb
          .selectFrom('runs')
          .select('runs.state')
          .whereRef('runs.stack_id', '=', 'stacks.id')
          .orderBy('runs.id', 'desc')
          .limit(1)
          .as('state'),
      );
  }

  async create(stack: StackFields & { id: string }, at: string): Promise<Stack> {
    try {
      await this.db
        .insertInto('stacks')
        .values({ ...(toColumns(stack) as StacksTable), id: stack.id, created_at: at, updated_at: at })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('stack_exists', `stack ${stack.id} already exists`);
      throw err;
    }
    return (await this.get(stack.id))!;
  }

  async get(id: string): Promise<Stack | undefined> {
    const row = await this.select().where('stacks.id', '=', id).executeTakeFirst();
    return row ? toStack(row) : undefined;
  }

  async list(): Promise<Stack[]> {
    const rows = await this.select().orderBy('stacks.id').execute();
    return rows.map(toStack);
  }

  async update(id: string, patch: Partial<StackFields>, at: string): Promise<Stack | undefined> {
    const result = await this.db
      .updateTable('stacks')
      .set({ ...toColumns(patch), updated_at: at })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    // Explicit deletes (not only ON DELETE CASCADE) so the outcome is the same whatever the FK settings.
    return this.db.transaction().execute(async (trx) => {
      const runIds = trx.selectFrom('runs').select('id').where('stack_id', '=', id);
      await trx.deleteFrom('run_logs').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('run_artifact_chunks').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('run_artifacts').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('run_history').where('run_id', 'in', runIds).execute();
      await trx.deleteFrom('runs').where('stack_id', '=', id).execute();
      await trx.deleteFrom('stack_policies').where('stack_id', '=', id).execute();
      const result = await trx.deleteFrom('stacks').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async hasUnfinishedRuns(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('runs')
      .select('id')
      .where('stack_id', '=', id)
      .where('state', 'in', ['QUEUED', ...ACTIVE_STATES])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
