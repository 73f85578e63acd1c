// A fresh workspace directory per run phase group: a clone of repository@branch when the stack has one.
import { mkdtemp, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { RunCommit } from '../domain/runs.js';
import type { Stack } from '../domain/stacks.js';
import { startProcess, type PhaseProcess } from './process.js';

export interface Workspace {
  dir: string;
  /** Where commands run: dir/project_root. */
  cwd: string;
  commit: RunCommit | null;
}

export interface PrepareHooks {
  output(text: string): void;
  /** Called with each started process so that a stop request can kill it. */
  started(proc: PhaseProcess): void;
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' };

export async function prepareWorkspace(
  root: string,
  runId: string,
  stack: Stack,
  env: NodeJS.ProcessEnv,
  hooks: PrepareHooks,
): Promise<Workspace> {
  const dir = await mkdtemp(join(root, `${runId}-`));
  let commit: RunCommit | null = null;
  if (stack.repository) {
    const args = ['git', 'clone', '--quiet', '--no-tags'];
    if (stack.branch) args.push('--branch', stack.branch);
    args.push('--', stack.repository, dir);
    hooks.output(`$ git clone ${stack.repository}${stack.branch ? ` (branch ${stack.branch})` : ''}\n`);
    const clone = startProcess(args, { cwd: root, env: { ...env, ...GIT_ENV }, onOutput: hooks.output });
    hooks.started(clone);
    const { code } = await clone.done;
    if (code !== 0) throw new PhaseError(`git clone exited with code ${code ?? 'null (killed)'}`);
    commit = await readCommit(dir, env);
  }
  const cwd = resolve(dir, stack.project_root ?? '.');
  const rel = relative(dir, cwd);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new PhaseError('project_root points outside the workspace');
  return { dir, cwd, commit };
}

async function readCommit(dir: string, env: NodeJS.ProcessEnv): Promise<RunCommit | null> {
  let out = '';
  const proc = startProcess(['git', 'log', '-1', '--format=%H%x00%an%x00%s'], {
    cwd: dir,
    env: { ...env, ...GIT_ENV },
    onOutput: (t) => (out += t),
  });
  const { code } = await proc.done;
  if (code !== 0) return null;
  const [hash, author, message] = out.trim().split('\0');
  return hash ? { hash, author: author ?? '', message: message ?? '' } : null;
}

export async function removeWorkspace(ws: Workspace | undefined): Promise<void> {
  if (ws) await rm(ws.dir, { recursive: true, force: true });
}

/** A phase failed for a reason worth showing as the run's note. */
export class PhaseError extends Error {}
