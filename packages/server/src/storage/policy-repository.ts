// PolicyRepository on Kysely.
import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import {
  autoattaches,
  type Policy,
  type PolicyFields,
  type PolicyRepository,
  type PolicyType,
} from '../domain/policies.js';
import { isForeignKeyViolation, isUniqueViolation } from './database.js';
import type { Database, PoliciesTable } from './schema.js';

function toPolicy(row: Selectable<PoliciesTable>): Policy {
  return {
    id: row.id,
    name: row.name,
    type: row.type as Policy['type'],
    body: row.body,
    rego_version: row.rego_version as Policy['rego_version'],
    labels: JSON.parse(row.labels) as string[],
    revision: Number(row.revision),
    last_error: row.last_error,
    last_error_at: row.last_error_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toColumns(fields: Partial<PolicyFields>): Partial<PoliciesTable> {
  const out: Partial<PoliciesTable> = {};
  if (fields.name !== undefined) out.name = fields.name;
  if (fields.type !== undefined) out.type = fields.type;
  if (fields.body !== undefined) out.body = fields.body;
  if (fields.rego_version !== undefined) out.rego_version = fields.rego_version;
  if (fields.labels !== undefined) out.labels = JSON.stringify(fields.labels);
  return out;
}

export class KyselyPolicyRepository implements PolicyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(policy: PolicyFields & { id: string }, at: string): Promise<Policy> {
    try {
      await this.db
        .insertInto('policies')
        .values({
          ...(toColumns(policy) as PoliciesTable),
          id: policy.id,
          revision: 1,
          last_error: null,
          last_error_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('policy_exists', `policy ${policy.id} already exists`);
      throw err;
    }
    return (await this.get(policy.id))!;
  }

  async get(id: string): Promise<Policy | undefined> {
    const row = await this.db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPolicy(row) : undefined;
  }

  async list(): Promise<Policy[]> {
    return (await this.db.selectFrom('policies').selectAll().orderBy('id').execute()).map(toPolicy);
  }

  async update(id: string, patch: Partial<PolicyFields>, at: string): Promise<Policy | undefined> {
    const result = await this.db
      .updateTable('policies')
      .set({ ...toColumns(patch), updated_at: at, revision: sql<number>`revision + 1` })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('stack_policies').where('policy_id', '=', id).execute();
      const result = await trx.deleteFrom('policies').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async attach(stackId: string, policyId: string, at: string): Promise<void> {
    try {
      await this.db
        .insertInto('stack_policies')
        .values({ stack_id: stackId, policy_id: policyId, created_at: at })
        .onConflict((oc) => oc.columns(['stack_id', 'policy_id']).doNothing())
        .execute();
    } catch (err) {
      if (isForeignKeyViolation(err))
        throw new NotFoundError('not_found', `stack ${stackId} or policy ${policyId} does not exist`);
      throw err;
    }
  }

  async detach(stackId: string, policyId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('stack_policies')
      .where('stack_id', '=', stackId)
      .where('policy_id', '=', policyId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async attachedTo(stackId: string, stackLabels: readonly string[], type: PolicyType): Promise<Policy[]> {
    // On every non-admin request, so one plain statement (the query builder's per-call cost showed in the
    // benchmark). Explicit attachments plus candidates carrying an autoattach label; labels are JSON text in both
    // databases, so the label match itself is done in code.
    const { rows } = await sql<Selectable<PoliciesTable> & { explicit: number }>`
      select p.*, case when sp.policy_id is null then 0 else 1 end as explicit
        from policies p
        left join stack_policies sp on sp.policy_id = p.id and sp.stack_id = ${stackId}
        where p.type = ${type} and (sp.policy_id is not null or p.labels like ${'%"autoattach:%'})
        order by p.id`.execute(this.db);
    return rows
      .filter((r) => Number(r.explicit) === 1 || autoattaches(JSON.parse(r.labels) as string[], stackLabels))
      .map(toPolicy);
  }

  async explicitAttachments(stackId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('stack_policies')
      .select('policy_id')
      .where('stack_id', '=', stackId)
      .orderBy('policy_id')
      .execute();
    return rows.map((r) => r.policy_id);
  }

  async recordError(id: string, message: string, at: string): Promise<void> {
    await this.db
      .updateTable('policies')
      .set({ last_error: message, last_error_at: at })
      .where('id', '=', id)
      .execute();
  }
}
