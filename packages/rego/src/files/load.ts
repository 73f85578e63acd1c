// Loads policy files the way OPA's file loader does for `opa test`, `opa eval --data` and `opa check`:
// every path is a file or a directory walked recursively; `.rego` files are modules, `.json`,
// `.yaml` and `.yml` files are base documents. A data file found while walking a directory is
// merged at the directory's path below the walked root, so `root/a/b/data.json` lands at
// `data.a.b` (the file's own name does not matter); a path argument may carry an explicit prefix
// (`a.b:file.json` loads the file at `data.a.b`). Conflicting values are errors, never overwrites.
// Every problem is collected, so one run reports all bad files (see docs in packages/rego/README.md).
import { readFileSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import type { ModuleSource } from '../index.js';
import type { JsonValue } from '../value.js';
import { mergeDocumentAt, type JsonObject } from './data-document.js';

/** Rego modules and the merged `data` document found under some paths. */
export interface LoadedFiles {
  /** Modules in the order found (arguments in order, directory entries sorted by name). */
  modules: ModuleSource[];
  /** The base documents, to pass as `data` to evaluations. */
  data: JsonObject;
}

/** Options of `loadPolicyFiles`. */
export interface LoadOptions {
  /** Load only `.rego` files (what `opa check` does). */
  regoOnly?: boolean;
  /** Glob patterns (`*`, `?`, `[...]`) of file and directory names to skip below the given paths. */
  ignore?: string[];
}

/** A file that could not be loaded. */
export interface LoadProblem {
  /** The path as given or found while walking. */
  file: string;
  message: string;
}

/** One or more files could not be loaded; `problems` lists each. */
export class PolicyLoadError extends Error {
  readonly problems: LoadProblem[];
  constructor(problems: LoadProblem[]) {
    const lines = problems.map((p) => `${p.file}: ${p.message}`);
    super(
      problems.length === 1
        ? `1 error occurred during loading: ${lines[0]}`
        : `${problems.length} errors occurred during loading:\n${lines.join('\n')}`,
    );
    this.name = 'PolicyLoadError';
    this.problems = problems;
  }
}

/** YAML aliases beyond this count are refused, so a "billion laughs" file cannot exhaust memory. */
const MAX_YAML_ALIASES = 100;

/**
 * Loads the Rego modules and data files under `paths` (files or directories).
 * Throws PolicyLoadError naming every file that is missing, unreadable or malformed, and every
 * data value that conflicts with another.
 */
export function loadPolicyFiles(paths: string[], options: LoadOptions = {}): LoadedFiles {
  const result: LoadedFiles = { modules: [], data: {} };
  const problems: LoadProblem[] = [];
  const ignore = (options.ignore ?? []).map(globToRegExp);
  // A file reached twice (named and found by a walk, or named twice) is loaded once; directories
  // on the current walk are remembered so a symbolic-link loop ends instead of recursing.
  const loaded = new Set<string>();
  const walking = new Set<string>();
  const visit = (path: string, dataPath: string[], depth: number): void => {
    let stats: Stats;
    let real: string;
    try {
      stats = statSync(path);
      real = realpathSync(path);
    } catch (e) {
      problems.push({ file: path, message: fsMessage(e) });
      return;
    }
    // As in OPA, ignore patterns apply to what a walk finds, never to a path named explicitly.
    if (depth > 0 && ignore.some((re) => re.test(basename(path)))) return;
    if (stats.isDirectory()) {
      if (walking.has(real)) return;
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (e) {
        problems.push({ file: path, message: fsMessage(e) });
        return;
      }
      const below = depth > 0 ? [...dataPath, basename(path)] : dataPath;
      walking.add(real);
      for (const entry of entries) visit(join(path, entry), below, depth + 1);
      walking.delete(real);
      return;
    }
    // A module is the same module wherever it is reached; a data file reached under two paths is two documents.
    const key = kindOf(path) === 'rego' ? real : `${dataPath.join('\0')}\0${real}`;
    if (loaded.has(key)) return;
    loaded.add(key);
    const problem = loadFile(path, dataPath, depth === 0, options.regoOnly ?? false, result);
    if (problem) problems.push({ file: path, message: problem });
  };
  for (const arg of paths) {
    const { prefix, path } = splitPrefix(arg);
    visit(path, prefix, 0);
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return result;
}

type FileKind = 'rego' | 'json' | 'yaml' | 'other';

function kindOf(path: string): FileKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.rego')) return 'rego';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'other';
}

/** Loads one file into `into`; returns a problem message, or undefined when loaded or skipped. */
function loadFile(
  path: string,
  dataPath: string[],
  named: boolean,
  regoOnly: boolean,
  into: LoadedFiles,
): string | undefined {
  const kind = kindOf(path);
  if (regoOnly && kind !== 'rego') return undefined;
  // Files of other types are skipped while walking; a file named explicitly must be loadable.
  if (kind === 'other' && !named) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fsMessage(e);
  }
  if (kind === 'rego' || (kind === 'other' && REGO_START.test(text))) {
    into.modules.push({ name: path, source: text });
    return undefined;
  }
  let doc: JsonValue;
  try {
    doc =
      kind === 'json'
        ? parseJSONDocument(text)
        : kind === 'yaml'
          ? parseYAMLDocument(text)
          : parseJSONOrYAML(text);
  } catch (e) {
    return (e as Error).message;
  }
  if (dataPath.length === 0 && (typeof doc !== 'object' || doc === null || Array.isArray(doc))) {
    return 'a data file loaded at the root of data must hold an object';
  }
  const conflict = mergeDocumentAt(into.data, dataPath, doc);
  return conflict ? `merge error: ${conflict} is already defined by another data file` : undefined;
}

/** A file of unknown type that starts (after comments) with a package clause is a Rego module. */
const REGO_START = /^\s*(#[^\n]*\n\s*)*package\s/;

function parseJSONDocument(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new Error(`invalid JSON: ${(e as Error).message}`);
  }
}

function parseYAMLDocument(text: string): JsonValue {
  try {
    // YAML 1.1, as the Go YAML library behind OPA's loader reads it (`yes`/`on` are booleans).
    const doc = parseYAML(text, { version: '1.1', maxAliasCount: MAX_YAML_ALIASES }) as unknown;
    return (doc === undefined ? null : doc) as JsonValue;
  } catch (e) {
    throw new Error(`invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * A document that may be JSON or YAML, read as OPA reads input documents and data files of unknown
 * type: JSON, else YAML. Throws an Error saying what is wrong with it.
 */
export function parseJSONOrYAML(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return parseYAMLDocument(text);
  }
}

/** `a.b:path` → prefix `['a', 'b']` and `path`, as OPA's `loader.SplitPrefix`; `file://` URLs are paths. */
function splitPrefix(arg: string): { prefix: string[]; path: string } {
  if (arg.startsWith('file://')) return { prefix: [], path: arg.slice('file://'.length) };
  const colon = arg.indexOf(':');
  if (colon <= 0 || /^[A-Za-z]:[\\/]/.test(arg)) return { prefix: [], path: arg };
  const rest = arg.slice(colon + 1);
  if (rest.startsWith('//')) return { prefix: [], path: arg };
  return { prefix: arg.slice(0, colon).split('.'), path: rest };
}

function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error).message;
}

/** Go's `filepath.Match` pattern as a RegExp over a whole name. */
function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      // Go's classes (`[a-z]`, `[^0-9]`) read the same as JavaScript's.
      re += `[${pattern.slice(i + 1, end)}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
