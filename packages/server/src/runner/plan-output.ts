// Reading the plan's outcome: the exit code convention of `terraform plan -detailed-exitcode`, the summary line of
// custom commands' output, and the saved plan's JSON (`show -json`) for tool presets (docs/runs.md).
import type { ResourceAction, RunDelta, RunResourceChange } from '../domain/runs.js';

export type PlanOutcome = 'no_changes' | 'changes' | 'failed';

export function planOutcome(exitCode: number | null): PlanOutcome {
  if (exitCode === 0) return 'no_changes';
  if (exitCode === 2) return 'changes';
  return 'failed';
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const SUMMARY = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/g;

/** The last `Plan: N to add, N to change, N to destroy` line of the output, if any. */
export function parseDelta(output: string): RunDelta | null {
  let last: RegExpExecArray | null = null;
  const text = output.replace(ANSI, '');
  for (const m of text.matchAll(SUMMARY)) last = m;
  if (!last) return null;
  return { add: Number(last[1]), change: Number(last[2]), destroy: Number(last[3]) };
}

/** Terraform's actions for one resource, as one word. */
export function resourceAction(actions: readonly string[]): ResourceAction {
  const has = (a: string) => actions.includes(a);
  if (has('delete') && has('create')) return 'replace';
  if (actions.length !== 1) return 'other';
  const [only] = actions;
  return only === 'create' || only === 'update' || only === 'delete' || only === 'read' || only === 'forget'
    ? only
    : 'other';
}

/**
 * The delta and resource list of a saved plan's JSON (`terraform show -json <plan>`), counted as Terraform's own
 * summary counts them: a replacement is one to add and one to destroy; reads and no-ops are not changes.
 */
export function parsePlanJson(json: string): { delta: RunDelta; resourceChanges: RunResourceChange[] } {
  const plan = JSON.parse(json) as { resource_changes?: unknown };
  const delta: RunDelta = { add: 0, change: 0, destroy: 0 };
  const resourceChanges: RunResourceChange[] = [];
  const entries = Array.isArray(plan.resource_changes) ? (plan.resource_changes as unknown[]) : [];
  for (const entry of entries) {
    const { address, change } = (entry ?? {}) as { address?: unknown; change?: { actions?: unknown } };
    const actions = Array.isArray(change?.actions)
      ? change.actions.filter((a): a is string => typeof a === 'string')
      : [];
    if (typeof address !== 'string' || actions.length === 0) continue;
    if (actions.every((a) => a === 'no-op')) continue;
    const action = resourceAction(actions);
    if (action === 'create') delta.add++;
    else if (action === 'update') delta.change++;
    else if (action === 'delete') delta.destroy++;
    else if (action === 'replace') {
      delta.add++;
      delta.destroy++;
    }
    resourceChanges.push({ address, action, actions });
  }
  return { delta, resourceChanges };
}

/** Terraform's error lines ("Error: Saved plan is stale"), for the note of a failed phase. */
export function errorSummary(output: string): string | null {
  const text = output.replace(ANSI, '');
  const errors: string[] = [];
  for (const m of text.matchAll(/^[\s│╷]*Error: (.+)$/gm)) {
    const line = m[1]!.trim();
    if (line && !errors.includes(line)) errors.push(line);
  }
  if (errors.length === 0) return null;
  const joined = errors.slice(0, 3).join('; ');
  return joined.length > 500 ? `${joined.slice(0, 497)}...` : joined;
}
