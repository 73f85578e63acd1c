// Stacks: what a stack is, the repository port the domain needs, and admin operations on stacks.
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import type { RunState } from './run-states.js';
import type { AuditLog } from './audit.js';
import type { Subject } from './subjects.js';

export interface StackCommands {
  init: string | null;
  plan: string;
  apply: string;
}

/** Tool presets (docs/runs.md): the standard non-interactive workflow of Terraform or OpenTofu. */
export const STACK_TOOLS = ['terraform', 'opentofu'] as const;
export type StackTool = (typeof STACK_TOOLS)[number];

export interface StackFields {
  name: string;
  description: string;
  labels: string[];
  repository: string | null;
  branch: string | null;
  project_root: string | null;
  autodeploy: boolean;
  administrative: boolean;
  tool: StackTool | null;
  /** null: the tool's standard workflow (only with a tool). */
  commands: StackCommands | null;
  env: Record<string, string>;
  locked_by: string | null;
  namespace: string | null;
  terraform_version: string | null;
}

export interface Stack extends StackFields {
  id: string;
  /** State of the stack's latest tracked run; NONE before the first run. */
  state: RunState | 'NONE';
  created_at: string;
  updated_at: string;
}

/** Stack ids are slugs: they appear in URLs and Slack commands. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

export interface StackRepository {
  /** Throws ConflictError when the id is taken. */
  create(stack: StackFields & { id: string }, at: string): Promise<Stack>;
  get(id: string): Promise<Stack | undefined>;
  list(): Promise<Stack[]>;
  update(id: string, patch: Partial<StackFields>, at: string): Promise<Stack | undefined>;
  /** Deletes the stack, its runs and attachments. Returns false when it does not exist. */
  delete(id: string): Promise<boolean>;
  /** Whether the stack has a run that is not terminal (queued or active). */
  hasUnfinishedRuns(id: string): Promise<boolean>;
}

export class StackService {
  constructor(
    private readonly stacks: StackRepository,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(subject: Subject, fields: StackFields & { id: string }): Promise<Stack> {
    requireCommands(fields.tool, fields.commands);
    const stack = await this.stacks.create(fields, this.now().toISOString());
    await this.audit.allowed(subject, 'stack.create', `stack:${stack.id}`);
    return stack;
  }

  async get(id: string): Promise<Stack> {
    const stack = await this.stacks.get(id);
    if (!stack) throw new NotFoundError('stack_not_found', `stack ${id} does not exist`);
    return stack;
  }

  find(id: string): Promise<Stack | undefined> {
    return this.stacks.get(id);
  }

  list(): Promise<Stack[]> {
    return this.stacks.list();
  }

  async update(subject: Subject, id: string, patch: Partial<StackFields>): Promise<Stack> {
    if (patch.tool !== undefined || patch.commands !== undefined) {
      const current = await this.get(id);
      requireCommands(
        patch.tool === undefined ? current.tool : patch.tool,
        patch.commands === undefined ? current.commands : patch.commands,
      );
    }
    const stack = await this.stacks.update(id, patch, this.now().toISOString());
    if (!stack) throw new NotFoundError('stack_not_found', `stack ${id} does not exist`);
    await this.audit.allowed(subject, 'stack.update', `stack:${id}`);
    return stack;
  }

  async delete(subject: Subject, id: string): Promise<void> {
    await this.get(id);
    // Deleting a stack under a running process would orphan the process and its outbox events.
    if (await this.stacks.hasUnfinishedRuns(id)) {
      throw new ConflictError('stack_busy', `stack ${id} has unfinished runs; stop or cancel them first`);
    }
    if (!(await this.stacks.delete(id)))
      throw new NotFoundError('stack_not_found', `stack ${id} does not exist`);
    await this.audit.allowed(subject, 'stack.delete', `stack:${id}`);
  }
}

/** Without a tool there is no standard workflow to fall back on: the stack must say what to run. */
function requireCommands(tool: StackTool | null, commands: StackCommands | null) {
  if (tool === null && commands === null)
    throw new ValidationError(
      'commands_required',
      'commands: required when the stack has no tool (set tool to "terraform" or "opentofu" for the standard workflow)',
    );
}
