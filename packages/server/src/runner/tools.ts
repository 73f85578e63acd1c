// Tool presets (docs/runs.md): a stack with `tool` set runs Terraform's or OpenTofu's standard non-interactive
// workflow, with the binary found on the run's PATH and its version checked against the stack's terraform_version.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { StackCommands, StackTool } from '../domain/stacks.js';
import { parseVersionConstraint } from '../domain/tool-versions.js';
import { startProcess } from './process.js';
import { PhaseError } from './workspace.js';

/** The saved plan, in the project root: written by plan, read by show and apply, kept in the plan artifact. */
export const SAVED_PLAN = 'liftoff.tfplan';

const BINARIES: Record<StackTool, { binary: string; name: string }> = {
  terraform: { binary: 'terraform', name: 'Terraform' },
  opentofu: { binary: 'tofu', name: 'OpenTofu' },
};

export interface ResolvedTool {
  tool: StackTool;
  /** Absolute path of the binary found on PATH. */
  path: string;
  version: string;
}

/** Finds the tool on PATH and checks its version; a PhaseError names what is missing or which versions differ. */
export async function resolveTool(
  tool: StackTool,
  wanted: string | null,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedTool> {
  const { binary, name } = BINARIES[tool];
  const path = await findOnPath(binary, env.PATH ?? '');
  if (!path) throw new PhaseError(`${name} (${binary}) was not found on the worker's PATH`);
  const version = await toolVersion(path, env);
  if (!version) throw new PhaseError(`could not read the version of ${name} at ${path}`);
  if (wanted !== null) {
    const matches = parseVersionConstraint(wanted);
    if (!matches)
      throw new PhaseError(`terraform_version "${wanted}" is not a version or a version constraint`);
    if (!matches(version))
      throw new PhaseError(
        `terraform_version is ${wanted}, but the worker's ${name} is ${version} (${path})`,
      );
  }
  return { tool, path, version };
}

/** The standard workflow of the tool at `path` (quoted for `sh -c`). */
export function presetCommands(path: string): StackCommands & { init: string } {
  const bin = shellQuote(path);
  return {
    init: `${bin} init -input=false`,
    plan: `${bin} plan -input=false -detailed-exitcode -out=${SAVED_PLAN}`,
    apply: `${bin} apply -input=false ${SAVED_PLAN}`,
  };
}

/** `show -json` of the saved plan, as argv (run without a shell: the output is parsed, not logged). */
export function showPlanArgv(path: string): string[] {
  return [path, 'show', '-json', SAVED_PLAN];
}

async function findOnPath(binary: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function toolVersion(path: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let out = '';
  const proc = startProcess([path, 'version', '-json'], { cwd: '/', env, onOutput: (t) => (out += t) });
  const { code } = await proc.done;
  if (code === 0) {
    try {
      const parsed = JSON.parse(out) as { terraform_version?: unknown };
      if (typeof parsed.terraform_version === 'string') return parsed.terraform_version;
    } catch {
      // older releases print text only
    }
  }
  return /v(\d+\.\d+\.\d+[^\s]*)/.exec(out)?.[1];
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
