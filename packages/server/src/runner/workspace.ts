// A fresh workspace directory per run phase group: a clone of repository@branch when the stack has one (planning),
// or the plan artifact unpacked (applying; docs/runs.md).
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { RunCommit } from '../domain/runs.js';
import type { Stack } from '../domain/stacks.js';
import { startProcess, type PhaseProcess } from './process.js';

export interface Workspace {
  dir: string;
  /** Where commands run: dir/project_root. */
  cwd: string;
  /** project_root as used ('.' when none). */
  projectRoot: string;
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
  const projectRoot = stack.project_root ?? '.';
  const dir = await mkdtemp(join(root, `${runId}-`));
  try {
    // Checked before cloning: a bad project_root is the stack's mistake, not worth a clone to find out.
    const cwd = projectDir(dir, projectRoot);
    let commit: RunCommit | null = null;
    if (stack.repository) {
      await clone(dir, root, stack.repository, stack.branch, env, hooks);
      commit = await readCommit(dir, env);
      await insideWorkspace(dir, cwd, projectRoot);
    }
    return { dir, cwd, projectRoot, commit };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** An empty workspace for restoring a plan artifact into. */
export async function emptyWorkspace(root: string, runId: string): Promise<string> {
  return mkdtemp(join(root, `${runId}-apply-`));
}

/** dir/projectRoot, refused when it would leave the workspace. */
export function projectDir(dir: string, projectRoot: string): string {
  const cwd = resolve(dir, projectRoot);
  const rel = relative(dir, cwd);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new PhaseError(`project_root "${projectRoot}" points outside the workspace`);
  return cwd;
}

/** The checked-out project root, symlinks followed, must exist and stay inside the workspace. */
async function insideWorkspace(dir: string, cwd: string, projectRoot: string) {
  let real: string;
  try {
    real = await realpath(cwd);
    if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new PhaseError(`project_root "${projectRoot}" is not a directory of the repository`);
  }
  const rel = relative(await realpath(dir), real);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new PhaseError(`project_root "${projectRoot}" points outside the workspace`);
}

async function clone(
  dir: string,
  root: string,
  repository: string,
  branch: string | null,
  env: NodeJS.ProcessEnv,
  hooks: PrepareHooks,
) {
  const shown = redactUrl(repository);
  const args = ['git', 'clone', '--quiet', '--no-tags'];
  if (branch) args.push('--branch', branch);
  args.push('--', repository, dir);
  hooks.output(`$ git clone ${shown}${branch ? ` (branch ${branch})` : ''}\n`);
  let output = '';
  const proc = startProcess(args, {
    cwd: root,
    env: { ...env, ...GIT_ENV },
    onOutput: (t) => {
      // Git may echo the URL, credentials and all.
      const text = redactUrl(t);
      output += text;
      hooks.output(text);
    },
  });
  hooks.started(proc);
  const { code } = await proc.done;
  if (code === 0) return;
  if (code === null) throw new PhaseError('git clone was stopped');
  if (branch && /Remote branch .* not found|couldn't find remote ref/i.test(output))
    throw new PhaseError(`branch "${branch}" does not exist in ${shown}`);
  const reason = /fatal: (.+)/.exec(output)?.[1]?.trim();
  throw new PhaseError(
    `could not clone ${shown}${branch ? ` (branch ${branch})` : ''}: ${reason ?? `git clone exited with code ${code}`}`,
  );
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

/** URLs with credentials (https://user:token@host/…) lose them: run logs and notes never carry secrets. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

export async function removeWorkspace(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** A phase failed for a reason worth showing as the run's note. */
export class PhaseError extends Error {}
