// RunRepository on Kysely. Every state change is one transaction: conditional update, history entry and outbox
// event (`run_events`), so a change is either fully recorded or not at all.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ACTIVE_STATES, isTerminal, OWNED_STATES, type RunState } from '../domain/run-states.js';
import type {
  LogChunk,
  LogPhase,
  Run,
  RunCommit,
  RunHistoryEntry,
  RunRepository,
  RunResourceChange,
  TransitionRequest,
} from '../domain/runs.js';
import type { Dialect } from './database.js';
import type { Database, RunsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Advisory lock serializing outbox inserts on PostgreSQL (an arbitrary constant: "LiftOff" in ASCII). */
const OUTBOX_LOCK_KEY = 0x4c6966744f6666n.toString();

function toRun(row: Selectable<RunsTable>, history: RunHistoryEntry[]): Run {
  return {
    id: row.id,
    stack_id: row.stack_id,
    type: 'TRACKED',
    state: row.state as RunState,
    triggered_by: row.triggered_by,
    commit:
      row.commit_hash === null
        ? null
        : { hash: row.commit_hash, message: row.commit_message ?? '', author: row.commit_author ?? '' },
    delta:
      row.delta_add === null
        ? null
        : {
            add: Number(row.delta_add),
            change: Number(row.delta_change),
            destroy: Number(row.delta_destroy),
          },
    resource_changes:
      row.resource_changes === null ? null : (JSON.parse(row.resource_changes) as RunResourceChange[]),
    history,
    created_at: row.created_at,
    updated_at: row.updated_at,
    worker_id: row.worker_id,
  };
}

function commitColumns(commit: RunCommit | null) {
  return {
    commit_hash: commit?.hash ?? null,
    commit_message: commit?.message ?? null,
    commit_author: commit?.author ?? null,
  };
}

export class KyselyRunRepository implements RunRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async create(run: {
    id: string;
    stack_id: string;
    triggered_by: string;
    at: string;
    commit: RunCommit | null;
  }): Promise<Run> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          id: run.id,
          stack_id: run.stack_id,
          type: 'TRACKED',
          state: 'QUEUED',
          triggered_by: run.triggered_by,
          ...commitColumns(run.commit),
          delta_add: null,
          delta_change: null,
          delta_destroy: null,
          worker_id: null,
          process_group: null,
          resource_changes: null,
          created_at: run.at,
          updated_at: run.at,
        })
        .execute();
      await this.record(trx, run.id, run.stack_id, 'QUEUED', null, run.at, run.triggered_by, null);
      return (await this.load(trx, run.id))!;
    });
  }

  get(id: string): Promise<Run | undefined> {
    return this.load(this.db, id);
  }

  async listByStack(stackId: string, limit: number): Promise<Run[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('stack_id', '=', stackId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const history = await this.db
      .selectFrom('run_history')
      .selectAll()
      .where(
        'run_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute();
    const byRun = new Map<string, RunHistoryEntry[]>();
    for (const h of history) {
      const list = byRun.get(h.run_id) ?? [];
      list.push({ state: h.state as RunState, at: h.at, by: h.by, note: h.note });
      byRun.set(h.run_id, list);
    }
    return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
  }

  async transition(req: TransitionRequest): Promise<Run | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('runs')
        .set({
          state: req.to,
          updated_at: req.at,
          ...(req.workerId !== undefined ? { worker_id: req.workerId } : {}),
          ...(req.delta !== undefined
            ? {
                delta_add: req.delta?.add ?? null,
                delta_change: req.delta?.change ?? null,
                delta_destroy: req.delta?.destroy ?? null,
              }
            : {}),
          ...(req.resourceChanges !== undefined
            ? {
                resource_changes: req.resourceChanges === null ? null : JSON.stringify(req.resourceChanges),
              }
            : {}),
          ...(req.commit !== undefined ? commitColumns(req.commit) : {}),
        })
        .where('id', '=', req.runId)
        .where('state', '=', req.from);
      if (req.ownedBy !== undefined) update = update.where('worker_id', '=', req.ownedBy);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      const row = await trx
        .selectFrom('runs')
        .select('stack_id')
        .where('id', '=', req.runId)
        .executeTakeFirstOrThrow();
      await this.record(trx, req.runId, row.stack_id, req.to, req.from, req.at, req.by, req.note);
      if (isTerminal(req.to)) {
        // The plan artifact lives exactly as long as the run can still be applied (docs/runs.md): dropped with
        // the terminal change itself, so no crash between the two can leave it behind.
        await trx.deleteFrom('run_artifact_chunks').where('run_id', '=', req.runId).execute();
        await trx.deleteFrom('run_artifacts').where('run_id', '=', req.runId).execute();
      }
      return this.load(trx, req.runId);
    });
  }

  async claimQueued(workerId: string, at: string): Promise<Run | undefined> {
    // Candidates: the oldest QUEUED run of each stack that has no active run. The claim below re-checks both
    // conditions under a per-stack row lock, so two workers can never start two runs of one stack.
    const candidates = await this.db
      .selectFrom('runs as r')
      .select(['r.id', 'r.stack_id'])
      .where('r.state', '=', 'QUEUED')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('runs as a')
              .select('a.id')
              .whereRef('a.stack_id', '=', 'r.stack_id')
              .where('a.state', 'in', ACTIVE_STATES),
          ),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('runs as q')
              .select('q.id')
              .whereRef('q.stack_id', '=', 'r.stack_id')
              .where('q.state', '=', 'QUEUED')
              .whereRef('q.id', '<', 'r.id'),
          ),
        ),
      )
      .orderBy('r.id')
      .limit(20)
      .execute();

    for (const candidate of candidates) {
      const claimed = await this.db.transaction().execute(async (trx) => {
        if (this.dialect === 'postgres') {
          // Serializes claims per stack across workers; a stack being claimed elsewhere is skipped, not waited on.
          const locked = await trx
            .selectFrom('stacks')
            .select('id')
            .where('id', '=', candidate.stack_id)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst();
          if (!locked) return undefined;
        }
        const result = await trx
          .updateTable('runs')
          .set({ state: 'PREPARING', worker_id: workerId, updated_at: at })
          .where('id', '=', candidate.id)
          .where('state', '=', 'QUEUED')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('runs as a')
                  .select('a.id')
                  .where('a.stack_id', '=', candidate.stack_id)
                  .where('a.state', 'in', ACTIVE_STATES),
              ),
            ),
          )
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('runs as q')
                  .select('q.id')
                  .where('q.stack_id', '=', candidate.stack_id)
                  .where('q.state', '=', 'QUEUED')
                  .where('q.id', '<', candidate.id),
              ),
            ),
          )
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return undefined;
        await this.record(trx, candidate.id, candidate.stack_id, 'PREPARING', 'QUEUED', at, null, null);
        return this.load(trx, candidate.id);
      });
      if (claimed) return claimed;
    }
    return undefined;
  }

  async claimConfirmed(workerId: string, at: string): Promise<Run | undefined> {
    const candidates = await this.db
      .selectFrom('runs')
      .select(['id', 'stack_id'])
      .where('state', '=', 'CONFIRMED')
      .orderBy('id')
      .limit(20)
      .execute();
    for (const candidate of candidates) {
      const run = await this.transition({
        runId: candidate.id,
        from: 'CONFIRMED',
        to: 'APPLYING',
        at,
        by: null,
        note: null,
        workerId,
      });
      if (run) return run;
    }
    return undefined;
  }

  async appendLog(runId: string, phase: LogPhase, text: string, at: string): Promise<void> {
    await this.db.insertInto('run_logs').values({ run_id: runId, phase, text, at }).execute();
  }

  async logs(runId: string, after: number): Promise<LogChunk[]> {
    const rows = await this.db
      .selectFrom('run_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .where('id', '>', after)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), phase: r.phase as LogPhase, text: r.text, at: r.at }));
  }

  async ownedByOthers(liveWorkers: readonly string[]): Promise<Run[]> {
    let q = this.db.selectFrom('runs').select('id').where('state', 'in', OWNED_STATES);
    if (liveWorkers.length > 0) {
      q = q.where((eb) => eb.or([eb('worker_id', 'is', null), eb('worker_id', 'not in', liveWorkers)]));
    }
    const rows = await q.orderBy('id').execute();
    const runs: Run[] = [];
    for (const r of rows) {
      const run = await this.get(r.id);
      if (run) runs.push(run);
    }
    return runs;
  }

  /** How many runs are in each state (the liftoff_runs gauge). */
  async countByState(): Promise<Array<{ state: RunState; count: number }>> {
    const rows = await this.db
      .selectFrom('runs')
      .select((eb) => ['state', eb.fn.countAll<string | number>().as('n')])
      .groupBy('state')
      .execute();
    return rows.map((r) => ({ state: r.state as RunState, count: Number(r.n) }));
  }

  async setProcessGroup(runId: string, pgid: number | null): Promise<void> {
    await this.db.updateTable('runs').set({ process_group: pgid }).where('id', '=', runId).execute();
  }

  async processGroup(runId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('runs')
      .select('process_group')
      .where('id', '=', runId)
      .executeTakeFirst();
    return row?.process_group == null ? null : Number(row.process_group);
  }

  private async record(
    trx: Transaction<Database>,
    runId: string,
    stackId: string,
    state: RunState,
    previous: RunState | null,
    at: string,
    by: string | null,
    note: string | null,
  ) {
    await trx.insertInto('run_history').values({ run_id: runId, state, at, by, note }).execute();
    if (this.dialect === 'postgres') {
      // Sequence values are handed out at insert time, not at commit, so two concurrent transactions could commit
      // ids 8 and 7 in that order and a reader following `id > cursor` would skip 7. Holding this lock from the
      // insert to the commit makes outbox ids commit-ordered. Transitions are short, so the serialization is cheap.
      await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
    }
    await trx
      .insertInto('run_events')
      .values({ run_id: runId, stack_id: stackId, state, previous_state: previous, at, by, note })
      .execute();
  }

  private async load(db: Executor, id: string): Promise<Run | undefined> {
    const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const history = await db
      .selectFrom('run_history')
      .selectAll()
      .where('run_id', '=', id)
      .orderBy('id')
      .execute();
    return toRun(
      row,
      history.map((h) => ({ state: h.state as RunState, at: h.at, by: h.by, note: h.note })),
    );
  }
}
