// A compilation unit: modules compiled together, as `opa test`, `opa eval --data` and `opa check` do,
// with OPA's loader-level checks around compile(): every module's syntax errors are reported (not
// only the first file's), and a rule may not be defined where the base data already holds a value.
import type { Module } from '../ast.js';
import { RegoCompileError, RegoParseError, type CompileProblem } from '../errors.js';
import {
  compile,
  parseModule,
  type CompileOptions,
  type CompiledPolicy,
  type ModuleSource,
} from '../index.js';
import { documentExistsAt, type JsonObject } from './data-document.js';

/** Options of `compileUnit`: compile options plus OPA's strict mode. */
export interface UnitOptions extends CompileOptions {
  /**
   * OPA's strict mode (`opa check --strict`). Passed on to compile(); the compiler's own option
   * decides which checks it adds.
   */
  strict?: boolean;
  /** Base documents the unit will be evaluated with, checked against rule paths. */
  data?: JsonObject;
}

/** A compiled unit and the syntax trees of its modules. */
export interface CompiledUnit {
  policy: CompiledPolicy;
  /** The parsed modules, in the order given. */
  modules: Module[];
}

/**
 * Parses every module, collecting all syntax errors: throws the RegoParseError when only one module
 * fails, and a RegoCompileError listing one `rego_parse_error` per failing module otherwise.
 */
export function parseModules(modules: ModuleSource[], regoVersion: 'v0' | 'v1' = 'v1'): Module[] {
  const parsed: Module[] = [];
  const failures: RegoParseError[] = [];
  for (const m of modules) {
    try {
      parsed.push(parseModule(m.source, m.name, regoVersion));
    } catch (e) {
      if (!(e instanceof RegoParseError)) throw e;
      failures.push(e);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) {
    throw new RegoCompileError(
      failures.map((f) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        message: f.detail,
        code: f.code,
        snippet: f.snippet,
      })),
    );
  }
  return parsed;
}

/**
 * Compiles `modules` as one unit. Throws RegoParseError / RegoCompileError as compile() does, plus
 * `rego_compile_error: conflicting rule for data path a/b found` for a rule whose path holds base data.
 */
export function compileUnit(modules: ModuleSource[], options: UnitOptions = {}): CompiledUnit {
  const { data, ...compileOptions } = options;
  const parsed = parseModules(modules, options.regoVersion);
  const policy = compile(modules, compileOptions);
  if (data) {
    const conflicts = dataConflicts(parsed, data);
    if (conflicts.length > 0) throw new RegoCompileError(conflicts);
  }
  return { policy, modules: parsed };
}

/** Rules defined at a path where `data` already holds a value (OPA's path-conflict check). */
function dataConflicts(modules: Module[], data: JsonObject): CompileProblem[] {
  const problems: CompileProblem[] = [];
  const reported = new Set<string>();
  for (const m of modules) {
    for (const rule of m.rules) {
      const path = [...m.pkg];
      for (const t of rule.ref) {
        if (t.type !== 'scalar' || typeof t.value !== 'string') break;
        path.push(t.value);
      }
      const key = path.join('/');
      if (reported.has(key) || !documentExistsAt(data, path)) continue;
      reported.add(key);
      problems.push({
        file: rule.file,
        line: rule.pos.line,
        column: rule.pos.col,
        message: `conflicting rule for data path ${key} found`,
        code: 'rego_compile_error',
      });
    }
  }
  return problems;
}
