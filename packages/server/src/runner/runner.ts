// The runner: claims runs and executes their phases. Embedded in `liftoff start` or alone in `liftoff worker`.
// Loop = poll the database every `pollMs`, woken early in-process when a run is queued or confirmed.
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { ulid } from 'ulid';
import type { Logger } from 'pino';
import { isTerminal, type RunState } from '../domain/run-states.js';
import { ArtifactTooLargeError, formatBytes, type RunArtifactStore } from '../domain/run-artifacts.js';
import type { LogPhase, Run, RunRepository, RunService } from '../domain/runs.js';
import type { Stack, StackRepository, StackTool } from '../domain/stacks.js';
import type { RunSignal, WorkerRegistry } from '../domain/workers.js';
import { archiveWorkspace, restoreWorkspace, type ArtifactManifest } from './artifact.js';
import { LogWriter } from './log-writer.js';
import { errorSummary, parseDelta, parsePlanJson, planOutcome } from './plan-output.js';
import { captureProcess, killGroup, processAlive, startProcess, type PhaseProcess } from './process.js';
import { presetCommands, resolveTool, showPlanArgv, type ResolvedTool } from './tools.js';
import {
  emptyWorkspace,
  PhaseError,
  prepareWorkspace,
  projectDir,
  removeWorkspace,
  type Workspace,
} from './workspace.js';

export interface RunnerOptions {
  pollMs: number;
  leaseMs: number;
  /** Runs executed at once by this worker (always at most one per stack). */
  concurrency: number;
  workspaceRoot: string;
  /** On shutdown, how long in-flight runs may finish before they are killed and failed. */
  shutdownGraceMs: number;
}

interface Execution {
  run: Run;
  state: RunState;
  proc: PhaseProcess | undefined;
  stopped: boolean;
  done: Promise<void>;
  /** The run's workspace directory once made; removed when the execution ends. */
  dir?: string;
}

/** `show -json` of a huge plan is still parsed; past this it is not worth holding in memory. */
const SHOW_JSON_MAX_BYTES = 256 * 1024 * 1024;

/** The note of a failed phase: its exit code and, when the tool said why, its error lines. */
function exitNote(phase: string, result: { code: number | null; output: string }): string {
  const why = errorSummary(result.output);
  return `${phase} exited with code ${result.code ?? 'null (killed)'}${why ? `: ${why}` : ''}`;
}

/** Variables passed from the service's environment to run commands; everything else (secrets!) stays out. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'SHELL'];

export class Runner {
  readonly workerId = `w_${ulid()}`;
  private readonly executions = new Map<string, Execution>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastHeartbeat = 0;
  private lastRecovery = 0;
  private unsubscribe: (() => void) | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly deps: {
      runs: RunRepository;
      stacks: StackRepository;
      service: RunService;
      workers: WorkerRegistry;
      /** Plan artifacts (docs/runs.md): the workspace kept between PLANNING and APPLYING. */
      artifacts: RunArtifactStore;
      logger: Logger;
      /** Wake-ups from other processes (PostgreSQL); polling covers their absence. */
      signal?: RunSignal;
    },
    private readonly options: RunnerOptions,
  ) {}

  async start(): Promise<void> {
    mkdirSync(this.options.workspaceRoot, { recursive: true });
    await this.register(new Date().toISOString());
    this.lastHeartbeat = Date.now();
    this.unsubscribe = this.deps.service.onStateChanged((change) => {
      if (change.to === 'QUEUED' || change.to === 'CONFIRMED' || !this.executions.has(change.run.id))
        this.wake();
      // A stop (or a failure recorded by someone else) of a run executing here: end its process now.
      const execution = this.executions.get(change.run.id);
      if (execution && (change.to === 'STOPPED' || change.to === 'FAILED')) this.abort(execution);
    });
    if (this.deps.signal) {
      try {
        this.unlisten = await this.deps.signal.listen(() => this.wake());
      } catch (err) {
        this.deps.logger.warn({ err }, 'no cross-process wake-up; polling only');
      }
    }
    await this.recover();
    this.running = true;
    this.loopDone = this.loop();
    this.deps.logger.info({ workerId: this.workerId }, 'runner started');
  }

  private register(at: string) {
    return this.deps.workers.register({
      id: this.workerId,
      hostname: hostname(),
      pid: process.pid,
      started_at: at,
      heartbeat_at: at,
    });
  }

  /** In-process wake-up: something may be claimable now. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    this.unsubscribe?.();
    await this.unlisten?.();
    const pending = [...this.executions.values()];
    if (pending.length > 0) {
      const grace = new Promise<void>((r) => setTimeout(r, this.options.shutdownGraceMs).unref());
      await Promise.race([Promise.all(pending.map((e) => e.done)), grace]);
      for (const execution of this.executions.values()) {
        await this.fail(execution, 'the worker shut down while the run was in progress');
        this.abort(execution);
      }
      await Promise.all(pending.map((e) => e.done));
    }
    await this.deps.workers.remove([this.workerId]).catch(() => {});
    this.deps.logger.info({ workerId: this.workerId }, 'runner stopped');
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.housekeeping();
        if (this.executions.size < this.options.concurrency) {
          const run =
            (await this.deps.runs.claimConfirmed(this.workerId, new Date().toISOString())) ??
            (await this.deps.runs.claimQueued(this.workerId, new Date().toISOString()));
          if (run) {
            this.deps.service.published(run, run.state === 'APPLYING' ? 'CONFIRMED' : 'QUEUED');
            this.launch(run);
            continue;
          }
        }
      } catch (err) {
        this.deps.logger.error({ err }, 'runner loop error');
      }
      await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // Cleared on every exit so a later wake() is remembered (woken) instead of hitting a stale sleeper.
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async housekeeping() {
    const now = Date.now();
    if (now - this.lastHeartbeat >= this.options.leaseMs / 3) {
      const at = new Date(now).toISOString();
      if (!(await this.deps.workers.heartbeat(this.workerId, at))) {
        this.deps.logger.warn({ workerId: this.workerId }, 'worker lease was lost; registering again');
        await this.register(at);
      }
      this.lastHeartbeat = now;
    }
    if (now - this.lastRecovery >= this.options.leaseMs / 2) await this.recover();
  }

  /**
   * Fails runs owned by dead workers. A worker is dead when its lease expired, or — on this host — when its
   * process is gone (so a restart after `kill -9` recovers at once instead of waiting for the lease).
   */
  private async recover(): Promise<void> {
    this.lastRecovery = Date.now();
    const cutoff = new Date(Date.now() - this.options.leaseMs).toISOString();
    const host = hostname();
    const workers = await this.deps.workers.list();
    // Same host and pid as us but another worker id: a previous incarnation (containers reuse pids on restart).
    const dead = workers.filter(
      (w) =>
        w.id !== this.workerId &&
        (w.heartbeat_at < cutoff || (w.hostname === host && (w.pid === process.pid || !processAlive(w.pid)))),
    );
    const deadIds = new Set(dead.map((w) => w.id));
    const live = workers.filter((w) => !deadIds.has(w.id)).map((w) => w.id);
    for (const run of await this.deps.runs.ownedByOthers(live)) {
      const owner = workers.find((w) => w.id === run.worker_id);
      if (owner && owner.hostname === host) {
        // The dead worker's phase process may have survived it (own process group); end it.
        const pgid = await this.deps.runs.processGroup(run.id);
        if (pgid) killGroup(pgid, 'SIGKILL');
      }
      const failed = await this.deps.service.transition({
        runId: run.id,
        from: run.state,
        to: 'FAILED',
        by: null,
        note: `interrupted: worker ${run.worker_id ?? '(none)'} stopped while the run was ${run.state}`,
        ...(run.worker_id ? { ownedBy: run.worker_id } : {}),
      });
      if (failed) this.deps.logger.warn({ runId: run.id, state: run.state }, 'failed run of a dead worker');
    }
    await this.deps.workers.remove([...deadIds]);
  }

  private launch(run: Run) {
    const execution: Execution = {
      run,
      state: run.state,
      proc: undefined,
      stopped: false,
      done: Promise.resolve(),
    };
    this.executions.set(run.id, execution);
    execution.done = this.execute(execution)
      .catch((err) => this.deps.logger.error({ err, runId: run.id }, 'run execution error'))
      .finally(() => {
        this.executions.delete(run.id);
        this.wake();
      });
  }

  private abort(execution: Execution) {
    execution.stopped = true;
    execution.proc?.kill();
  }

  private async execute(execution: Execution): Promise<void> {
    const { run } = execution;
    const stack = await this.deps.stacks.get(run.stack_id);
    if (!stack) {
      await this.fail(execution, 'the stack no longer exists');
      return;
    }
    const env = this.environment(stack, run);
    const watcher = setInterval(() => void this.checkStopped(execution), Math.max(this.options.pollMs, 200));
    try {
      if (execution.state === 'APPLYING') await this.applyConfirmed(execution, stack, env);
      else await this.plan(execution, stack, env);
    } catch (err) {
      const note =
        err instanceof PhaseError
          ? err.message
          : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      await this.fail(execution, note);
    } finally {
      clearInterval(watcher);
      await this.deps.runs.setProcessGroup(run.id, null).catch(() => {});
      await removeWorkspace(execution.dir).catch(() => {});
    }
  }

  /** PREPARING → INITIALIZING → PLANNING → FINISHED | UNCONFIRMED | APPLYING (autodeploy). */
  private async plan(execution: Execution, stack: Stack, env: NodeJS.ProcessEnv) {
    const tool = stack.tool ? await this.resolveTool(execution, stack.tool, stack, env) : undefined;
    const commands = stack.commands ?? (tool ? presetCommands(tool.path) : undefined);
    if (!commands) throw new PhaseError('the stack has neither commands nor a tool');
    const workspace = await this.prepare(execution, stack, env);
    if (!workspace) return;
    if (!(await this.move(execution, 'INITIALIZING', workspace.commit ? { commit: workspace.commit } : {})))
      return;
    if (commands.init) {
      const init = await this.phase(execution, 'init', commands.init, workspace.cwd, env);
      if (execution.stopped) return;
      if (init.code !== 0) return void (await this.fail(execution, exitNote('init', init)));
    }
    if (!(await this.move(execution, 'PLANNING'))) return;
    const plan = await this.phase(execution, 'plan', commands.plan, workspace.cwd, env);
    if (execution.stopped) return;
    const outcome = planOutcome(plan.code);
    if (outcome === 'failed') return void (await this.fail(execution, exitNote('plan', plan)));
    // The saved plan is the truth about what will happen; the text summary is all custom commands give us.
    const saved =
      tool && stack.commands === null ? await this.showPlan(execution, tool, workspace, env) : null;
    if (execution.stopped) return;
    if (outcome === 'no_changes') {
      await this.move(execution, 'FINISHED', {
        delta: saved?.delta ?? parseDelta(plan.output) ?? { add: 0, change: 0, destroy: 0 },
        resourceChanges: saved?.resourceChanges ?? null,
        workerId: null,
      });
      return;
    }
    const delta = saved?.delta ?? parseDelta(plan.output);
    const resourceChanges = saved?.resourceChanges ?? null;
    const manifest: ArtifactManifest = {
      version: 1,
      project_root: workspace.projectRoot,
      tool: stack.commands === null ? (stack.tool ?? null) : null,
      apply: stack.commands === null ? null : commands.apply,
      commit: workspace.commit?.hash ?? null,
    };
    if (!(await this.saveArtifact(execution, workspace, manifest))) return;
    if (!stack.autodeploy) {
      await this.move(execution, 'UNCONFIRMED', { delta, resourceChanges, workerId: null });
      return;
    }
    if (!(await this.move(execution, 'APPLYING', { delta, resourceChanges }))) return;
    await this.apply(execution, commands.apply, workspace.cwd, env);
  }

  /**
   * APPLYING a confirmed run: the plan artifact is restored (never a new clone: a commit pushed after the plan
   * must not be applied) and the apply command recorded with it runs against the saved plan (docs/runs.md).
   */
  private async applyConfirmed(execution: Execution, stack: Stack, env: NodeJS.ProcessEnv) {
    const { run } = execution;
    const log = this.logWriter(run.id, 'apply');
    let command: string;
    let cwd: string;
    try {
      const archive = await this.deps.artifacts.open(run.id);
      if (!archive)
        throw new PhaseError(
          'the plan artifact of this run is missing, so nothing was applied; trigger a new run to plan again',
        );
      const dir = await emptyWorkspace(this.options.workspaceRoot, run.id);
      execution.dir = dir;
      log.write(
        `[liftoff] worker ${this.workerId} restores the plan artifact${run.commit ? ` of commit ${run.commit.hash.slice(0, 12)}` : ''}\n`,
      );
      let manifest: ArtifactManifest;
      try {
        manifest = await restoreWorkspace(archive, dir);
      } catch (err) {
        throw new PhaseError(
          `could not restore the plan artifact: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      cwd = projectDir(dir, manifest.project_root);
      if (manifest.apply !== null) command = manifest.apply;
      else {
        if (!manifest.tool) throw new PhaseError('the plan artifact names no apply command');
        const tool = await resolveTool(manifest.tool, stack.terraform_version, env);
        log.write(`[liftoff] using ${tool.path} (${tool.version})\n`);
        command = presetCommands(tool.path).apply;
      }
    } finally {
      await log.close();
    }
    await this.apply(execution, command, cwd, env);
  }

  private async resolveTool(execution: Execution, tool: StackTool, stack: Stack, env: NodeJS.ProcessEnv) {
    const log = this.logWriter(execution.run.id, 'prepare');
    try {
      const resolved = await resolveTool(tool, stack.terraform_version, env);
      log.write(`[liftoff] using ${resolved.path} (${resolved.version})\n`);
      return resolved;
    } finally {
      await log.close();
    }
  }

  private async prepare(execution: Execution, stack: Stack, env: NodeJS.ProcessEnv) {
    const log = this.logWriter(execution.run.id, 'prepare');
    try {
      const workspace = await prepareWorkspace(this.options.workspaceRoot, execution.run.id, stack, env, {
        output: (t) => log.write(t),
        started: (proc) => void this.track(execution, proc),
      });
      execution.dir = workspace.dir;
      return workspace;
    } catch (err) {
      if (execution.stopped) return undefined;
      throw err;
    } finally {
      await log.close();
    }
  }

  /** Delta and resource changes from the saved plan; null (with a log line) when they cannot be read. */
  private async showPlan(
    execution: Execution,
    tool: ResolvedTool,
    workspace: Workspace,
    env: NodeJS.ProcessEnv,
  ) {
    const log = this.logWriter(execution.run.id, 'plan');
    try {
      const proc = captureProcess(showPlanArgv(tool.path), {
        cwd: workspace.cwd,
        env,
        maxBytes: SHOW_JSON_MAX_BYTES,
      });
      await this.track(execution, proc);
      const { stdout, stderr, truncated } = await proc.result;
      execution.proc = undefined;
      const { code } = await proc.done;
      if (code !== 0 || truncated) {
        log.write(
          `\n[liftoff] could not read the saved plan (show -json ${truncated ? 'printed too much' : `exited with code ${code}`}); the delta comes from the plan's summary line\n${stderr}`,
        );
        return null;
      }
      return parsePlanJson(stdout);
    } catch (err) {
      log.write(
        `\n[liftoff] could not read the saved plan: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return null;
    } finally {
      await log.close();
    }
  }

  /** Keeps the workspace as the run's plan artifact; false (the run failed or ended) when it could not. */
  private async saveArtifact(
    execution: Execution,
    workspace: Workspace,
    manifest: ArtifactManifest,
  ): Promise<boolean> {
    const log = this.logWriter(execution.run.id, 'plan');
    try {
      const archive = await archiveWorkspace(workspace.dir, manifest);
      const { bytes } = await this.deps.artifacts.save(execution.run.id, archive);
      log.write(`\n[liftoff] plan artifact saved (${formatBytes(bytes)} compressed, encrypted)\n`);
      return true;
    } catch (err) {
      if (execution.stopped) return false;
      if (err instanceof ArtifactTooLargeError)
        await this.fail(
          execution,
          `${err.message}: nothing was kept; raise LIFTOFF_ARTIFACT_MAX_BYTES or keep large files out of the workspace`,
        );
      else
        await this.fail(
          execution,
          `could not save the plan artifact: ${err instanceof Error ? err.message : String(err)}`,
        );
      return false;
    } finally {
      await log.close();
    }
  }

  private async apply(execution: Execution, command: string, cwd: string, env: NodeJS.ProcessEnv) {
    const apply = await this.phase(execution, 'apply', command, cwd, env);
    if (apply.code === 0) await this.move(execution, 'FINISHED', { workerId: null });
    else await this.fail(execution, exitNote('apply', apply));
  }

  private async phase(
    execution: Execution,
    phase: LogPhase,
    command: string,
    cwd: string,
    env: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; output: string }> {
    const log = this.logWriter(execution.run.id, phase);
    log.write(`$ ${command}\n`);
    const proc = startProcess(['sh', '-c', command], {
      cwd,
      env,
      onOutput: (t) => log.write(t),
    });
    await this.track(execution, proc);
    const { code } = await proc.done;
    execution.proc = undefined;
    await log.close();
    return { code, output: log.output() };
  }

  private async track(execution: Execution, proc: PhaseProcess) {
    execution.proc = proc;
    if (execution.stopped) proc.kill();
    // Recorded so that a worker recovering from our crash can end an orphaned process group.
    await this.deps.runs.setProcessGroup(execution.run.id, proc.pid).catch(() => {});
  }

  private logWriter(runId: string, phase: LogPhase) {
    return new LogWriter(
      phase,
      (p, text) => this.deps.runs.appendLog(runId, p, text, new Date().toISOString()),
      (err) => this.deps.logger.error({ err, runId }, 'could not store run logs'),
    );
  }

  private async checkStopped(execution: Execution) {
    if (execution.stopped) return;
    try {
      // Only an outside stop/failure counts: our own transitions may land between this read and our bookkeeping.
      const current = await this.deps.runs.get(execution.run.id);
      if (!current || current.state === 'STOPPED' || current.state === 'FAILED') this.abort(execution);
    } catch {
      // Transient database error: the next tick retries.
    }
  }

  /** Conditional transition from the state this execution believes the run is in. */
  private async move(
    execution: Execution,
    to: RunState,
    extra: {
      delta?: Run['delta'];
      resourceChanges?: Run['resource_changes'];
      commit?: Run['commit'];
      workerId?: string | null;
    } = {},
  ): Promise<boolean> {
    if (execution.stopped) return false;
    const run = await this.deps.service.transition({
      runId: execution.run.id,
      from: execution.state,
      to,
      by: null,
      note: null,
      ownedBy: this.workerId,
      ...extra,
    });
    if (!run) {
      // Stopped or failed elsewhere; whatever runs for it must end.
      this.abort(execution);
      return false;
    }
    execution.state = to;
    return true;
  }

  private async fail(execution: Execution, note: string) {
    if (isTerminal(execution.state)) return;
    // Conditional: if a stop already moved the run to STOPPED, this records nothing.
    const run = await this.deps.service.transition({
      runId: execution.run.id,
      from: execution.state,
      to: 'FAILED',
      by: null,
      note,
      ownedBy: this.workerId,
      workerId: null,
    });
    if (run) execution.state = 'FAILED';
  }

  private environment(stack: Stack, run: Run): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
    return {
      ...env,
      TF_IN_AUTOMATION: '1',
      ...stack.env,
      LIFTOFF_RUN_ID: run.id,
      LIFTOFF_STACK_ID: stack.id,
    };
  }
}
