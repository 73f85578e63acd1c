// Tracked runs: creation, user actions (confirm, discard, stop, cancel) and the single entry point for every
// state change, so the state machine is enforced and the run-state-changed hook sees all of them.
import { IllegalTransitionError, NotFoundError } from './errors.js';
import { assertTransition, canTransition, type RunState } from './run-states.js';
import type { AccessService } from './access.js';
import type { AuditLog } from './audit.js';
import type { Stack, StackRepository } from './stacks.js';
import type { Subject } from './subjects.js';

export interface RunDelta {
  add: number;
  change: number;
  destroy: number;
}

export interface RunCommit {
  hash: string;
  message: string;
  author: string;
}

/** What a plan does to one resource (from the saved plan, `show -json`; docs/runs.md). */
export interface RunResourceChange {
  address: string;
  /** One word for people: `replace` is delete+create in either order. */
  action: ResourceAction;
  /** Terraform's own list, e.g. ["delete", "create"] (create_before_destroy reverses it). */
  actions: string[];
}

export type ResourceAction = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'forget' | 'other';

export interface RunHistoryEntry {
  state: RunState;
  at: string;
  by: string | null;
  note: string | null;
}

export interface Run {
  id: string;
  stack_id: string;
  type: 'TRACKED';
  state: RunState;
  triggered_by: string;
  commit: RunCommit | null;
  delta: RunDelta | null;
  /** The planned resource changes; null when not known (custom commands report only the text summary). */
  resource_changes: RunResourceChange[] | null;
  history: RunHistoryEntry[];
  created_at: string;
  updated_at: string;
  /** Worker executing the run (owned states only). */
  worker_id: string | null;
}

export type LogPhase = 'prepare' | 'init' | 'plan' | 'apply';

export interface LogChunk {
  id: number;
  phase: LogPhase;
  text: string;
  at: string;
}

export interface TransitionRequest {
  runId: string;
  from: RunState;
  to: RunState;
  at: string;
  by: string | null;
  note: string | null;
  /** Only apply when the run is owned by this worker (runner transitions). */
  ownedBy?: string;
  /** New owner (null releases the run). Unchanged when undefined. */
  workerId?: string | null;
  delta?: RunDelta | null;
  resourceChanges?: RunResourceChange[] | null;
  commit?: RunCommit | null;
}

/**
 * Published after a state change has been committed (also recorded in the `run_events` outbox). A new run is
 * announced with `from` and `to` both QUEUED.
 */
export interface RunStateChange {
  run: Run;
  from: RunState;
  to: RunState;
  by: string | null;
  note: string | null;
}

export interface RunRepository {
  /** Inserts a QUEUED run with its first history entry and outbox event, atomically. */
  create(run: {
    id: string;
    stack_id: string;
    triggered_by: string;
    at: string;
    commit: RunCommit | null;
  }): Promise<Run>;
  get(id: string): Promise<Run | undefined>;
  listByStack(stackId: string, limit: number): Promise<Run[]>;
  /**
   * One atomic change: conditional update (`state = from`, and owner when `ownedBy`), history entry and outbox
   * event; a move to a terminal state also drops the run's plan artifact (docs/runs.md). Returns the updated run,
   * or undefined when the condition did not hold.
   */
  transition(req: TransitionRequest): Promise<Run | undefined>;
  /** Claims the next runnable QUEUED run (oldest of a stack with no active run): QUEUED → PREPARING. */
  claimQueued(workerId: string, at: string): Promise<Run | undefined>;
  /** Claims a CONFIRMED run: CONFIRMED → APPLYING. */
  claimConfirmed(workerId: string, at: string): Promise<Run | undefined>;
  appendLog(runId: string, phase: LogPhase, text: string, at: string): Promise<void>;
  logs(runId: string, after: number): Promise<LogChunk[]>;
  /** Runs in owned states whose worker is not in `liveWorkers`. */
  ownedByOthers(liveWorkers: readonly string[]): Promise<Run[]>;
  setProcessGroup(runId: string, pgid: number | null): Promise<void>;
  processGroup(runId: string): Promise<number | null>;
}

/** An entry of the run_events outbox: which run changed. Ids grow in commit order. */
export interface RunEventRef {
  id: number;
  run_id: string;
  stack_id: string;
}

/** The outbox read by followers that may live in other processes than the change (the web UI's live events). */
export interface RunEventFeed {
  /** Id of the newest event; 0 when there is none. */
  latestId(): Promise<number>;
  /** Events after `cursor`, oldest first, optionally of one stack only. */
  after(cursor: number, options: { stackId?: string; limit: number }): Promise<RunEventRef[]>;
}

export type RunStateListener = (change: RunStateChange) => void;

export class RunService {
  private readonly listeners = new Set<RunStateListener>();

  constructor(
    private readonly runs: RunRepository,
    private readonly stacks: StackRepository,
    private readonly access: AccessService,
    private readonly audit: AuditLog,
    private readonly newId: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The run-state-changed hook: notifications, live UIs and the embedded runner's wake-up subscribe here. */
  onStateChanged(listener: RunStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A stack the subject may read (NotFound otherwise). */
  async readableStack(subject: Subject, stackId: string): Promise<Stack> {
    const stack = await this.stacks.get(stackId);
    if (!stack) throw new NotFoundError('stack_not_found', `stack ${stackId} does not exist`);
    await this.access.require(subject, stack, 'read', 'stack.read');
    return stack;
  }

  async trigger(subject: Subject, stackId: string, commit: RunCommit | null = null): Promise<Run> {
    const stack = await this.stackFor(subject, stackId, 'write', 'run.trigger');
    const run = await this.runs.create({
      id: this.newId(),
      stack_id: stack.id,
      triggered_by: subject.actor,
      at: this.now().toISOString(),
      commit,
    });
    await this.audit.allowed(subject, 'run.trigger', `run:${run.id}`);
    this.publish({ run, from: 'QUEUED', to: 'QUEUED', by: subject.actor, note: null });
    return run;
  }

  async list(subject: Subject, stackId: string, limit = 50): Promise<Run[]> {
    const stack = await this.stackFor(subject, stackId, 'read', 'run.list');
    return this.runs.listByStack(stack.id, limit);
  }

  async get(subject: Subject, stackId: string, runId: string): Promise<Run> {
    const stack = await this.stackFor(subject, stackId, 'read', 'run.read');
    return this.runOf(stack, runId);
  }

  async logs(
    subject: Subject,
    stackId: string,
    runId: string,
    after = 0,
  ): Promise<{ run: Run; chunks: LogChunk[] }> {
    const run = await this.get(subject, stackId, runId);
    return { run, chunks: await this.runs.logs(run.id, after) };
  }

  confirm(subject: Subject, stackId: string, runId: string): Promise<Run> {
    return this.act(subject, stackId, runId, 'run.confirm', (run) => {
      this.expect(run, 'CONFIRMED');
      return { to: 'CONFIRMED', workerId: null };
    });
  }

  discard(subject: Subject, stackId: string, runId: string): Promise<Run> {
    return this.act(subject, stackId, runId, 'run.discard', (run) => {
      this.expect(run, 'DISCARDED');
      return { to: 'DISCARDED' };
    });
  }

  /** Stops a run in PREPARING/INITIALIZING/PLANNING; a run that has not started yet is canceled instead. */
  stop(subject: Subject, stackId: string, runId: string): Promise<Run> {
    return this.act(subject, stackId, runId, 'run.stop', (run) => {
      const to: RunState = run.state === 'QUEUED' ? 'CANCELED' : 'STOPPED';
      this.expect(run, to);
      return { to };
    });
  }

  cancel(subject: Subject, stackId: string, runId: string): Promise<Run> {
    return this.act(subject, stackId, runId, 'run.cancel', (run) => {
      this.expect(run, 'CANCELED');
      return { to: 'CANCELED' };
    });
  }

  /** Internal transition (runner, recovery). Returns undefined when the run is no longer in `from`. */
  async transition(req: Omit<TransitionRequest, 'at'>): Promise<Run | undefined> {
    assertTransition(req.runId, req.from, req.to);
    const run = await this.runs.transition({ ...req, at: this.now().toISOString() });
    if (run) this.publish({ run, from: req.from, to: req.to, by: req.by, note: req.note });
    return run;
  }

  /** Announces a change made by the repository directly (claims). */
  published(run: Run, from: RunState): void {
    this.publish({ run, from, to: run.state, by: null, note: null });
  }

  private async act(
    subject: Subject,
    stackId: string,
    runId: string,
    action: string,
    plan: (run: Run) => { to: RunState; workerId?: string | null },
  ): Promise<Run> {
    const stack = await this.stackFor(subject, stackId, 'write', action);
    const run = await this.runOf(stack, runId);
    let step: { to: RunState; workerId?: string | null };
    try {
      step = plan(run);
    } catch (err) {
      await this.audit.denied(subject, action, `run:${run.id}`, `run is ${run.state}`);
      throw err;
    }
    const updated = await this.runs.transition({
      runId: run.id,
      from: run.state,
      to: step.to,
      at: this.now().toISOString(),
      by: subject.actor,
      note: null,
      workerId: step.workerId,
    });
    if (!updated) {
      // Someone else changed the run between our read and the conditional update.
      const current = await this.runs.get(run.id);
      throw new IllegalTransitionError(run.id, current?.state ?? run.state, step.to);
    }
    await this.audit.allowed(subject, action, `run:${run.id}`);
    this.publish({ run: updated, from: run.state, to: step.to, by: subject.actor, note: null });
    return updated;
  }

  private expect(run: Run, to: RunState) {
    if (!canTransition(run.state, to)) throw new IllegalTransitionError(run.id, run.state, to);
  }

  private async stackFor(subject: Subject, stackId: string, needed: 'read' | 'write', action: string) {
    const stack = await this.stacks.get(stackId);
    if (!stack) throw new NotFoundError('stack_not_found', `stack ${stackId} does not exist`);
    await this.access.require(subject, stack, needed, action);
    return stack;
  }

  private async runOf(stack: Stack, runId: string): Promise<Run> {
    const run = await this.runs.get(runId);
    if (!run || run.stack_id !== stack.id)
      throw new NotFoundError('run_not_found', `run ${runId} does not exist`);
    return run;
  }

  private publish(change: RunStateChange) {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not undo or block a committed change; the outbox is the durable record.
      }
    }
  }
}
