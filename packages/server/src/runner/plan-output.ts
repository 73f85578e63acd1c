// Reading the plan's outcome: the exit code convention of `terraform plan -detailed-exitcode` and the summary line.
import type { RunDelta } from '../domain/runs.js';

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
