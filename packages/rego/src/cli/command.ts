// What a subcommand of `liftoff-rego` is: its flags, its help text and what it runs.
import type { FlagSpec, FlagValues } from './flags.js';

/** Where a command writes and reads; the real process streams, or buffers in tests. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Everything on standard input (for `--stdin` / `--stdin-input`). */
  readStdin(): string;
}

/** A subcommand. */
export interface Command {
  name: string;
  /** `test [flags] <path> [path...]` */
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** Longer description for `--help`. */
  description: string;
  flags: FlagSpec[];
  /** Runs with parsed flags and arguments; returns the exit code. */
  run(flags: FlagValues, args: string[], io: CliIO): number;
}

/** Flags shared by the commands, spelled and described as OPA's. */
export const V0_FLAG: FlagSpec = {
  name: 'v0-compatible',
  kind: 'bool',
  help: 'opt-in to OPA features and behaviors prior to the OPA v1.0 release',
};
export const V1_FLAG: FlagSpec = {
  name: 'v1-compatible',
  kind: 'bool',
  help: 'opt-in to OPA features and behaviors enabled by default in OPA v1.0 (the default)',
};
export const STRICT_FLAG: FlagSpec = {
  name: 'strict',
  short: 'S',
  kind: 'bool',
  help: 'enable compiler strict mode',
};
export const PRETTY_OR_JSON_FLAG: FlagSpec = {
  name: 'format',
  short: 'f',
  kind: 'string',
  choices: ['pretty', 'json'],
  help: 'set output format (pretty, json)',
};
export const IGNORE_FLAG: FlagSpec = {
  name: 'ignore',
  kind: 'list',
  help: "set file and directory names to ignore during loading (e.g., '.*' excludes hidden files)",
};

/** The Rego version the flags select: `--v0-compatible` wins, as in OPA. */
export function regoVersionOf(flags: FlagValues): 'v0' | 'v1' {
  return flags['v0-compatible'] === true ? 'v0' : 'v1';
}
