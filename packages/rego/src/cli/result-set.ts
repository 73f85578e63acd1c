// OPA's result set for `opa eval`: one result per solution of the query, each with the value of every
// expression (`value`, source `text`, `location`) and the bindings of the query's variables.
//
// The engine's query API returns bindings only, so the query is rewritten the way OPA's rego package
// rewrites it to capture values (rewriteQueryToCaptureValue): a term expression, or a call whose
// output argument is left out, is assigned to a capture variable; other expressions (`=`, `:=`,
// `not`, `some`, `every`, calls given their output) have the value `true`. When the query has more
// than one expression or iterates, the captured values are also checked at the end, so a `false`
// fails the query; a single non-iterating expression reports `false` as its value, as OPA does.
// Positions in errors are mapped back to the query as written.
import type { Expr, Module, Term } from '../ast.js';
import { getBuiltin } from '../builtins/index.js';
import { RegoCompileError, RegoEvalError, RegoParseError, snippetAt } from '../errors.js';
import type { CompiledPolicy, EvalOptions } from '../index.js';
import { tokenize } from '../lexer.js';
import { parseQuery } from '../parser.js';
import type { JsonValue } from '../value.js';

/** One expression's value in a result. */
export interface ExpressionValue {
  value: JsonValue;
  text: string;
  location: { row: number; col: number };
}

/** One solution of a query. */
export interface QueryResult {
  expressions: ExpressionValue[];
  /** The query's variables; absent when it has none. */
  bindings?: Record<string, JsonValue>;
}

const CAPTURE = '__liftoff_capture_';

interface PlannedExpr {
  text: string;
  row: number;
  col: number;
  start: number;
  /** Capture variable, when the expression's value is captured. */
  capture?: string;
}

interface QueryPlan {
  rewritten: string;
  exprs: PlannedExpr[];
  /** Inserted text: at original offset `at`, `length` characters. */
  insertions: Array<{ at: number; length: number }>;
}

/**
 * Evaluates `query` against `policy` and returns OPA's result set (empty when undefined).
 * `modules` are the parsed modules of the policy, to know the arity of user functions.
 * Errors are the engine's, located in the query as written.
 */
export function evalResultSet(
  policy: CompiledPolicy,
  query: string,
  modules: Module[],
  options: EvalOptions,
): QueryResult[] {
  const plan = planQuery(query, functionArities(modules));
  let rows: Array<Record<string, JsonValue>>;
  try {
    rows = policy.query(plan.rewritten, options);
  } catch (e) {
    throw relocate(e, plan, query);
  }
  return rows.map((row) => {
    const expressions = plan.exprs.map((e) => ({
      value: e.capture === undefined ? true : (row[e.capture] ?? null),
      text: e.text,
      location: { row: e.row, col: e.col },
    }));
    const bindings: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith(CAPTURE)) bindings[k] = v;
    return Object.keys(bindings).length > 0 ? { expressions, bindings } : { expressions };
  });
}

/** Arity of each user function, by its dotted `data.` name. */
function functionArities(modules: Module[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of modules) {
    for (const r of m.rules) {
      if (r.args === undefined) continue;
      const names = r.ref.map((t) => (t.type === 'scalar' ? String(t.value) : '?'));
      out.set(['data', ...m.pkg, ...names].join('.'), r.args.length);
    }
  }
  return out;
}

function planQuery(query: string, arities: Map<string, number>): QueryPlan {
  const parsed = parseQuery(query);
  const tokens = tokenize(query).filter((t) => t.kind !== 'eof');
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offsetOf = (line: number, col: number) => lineStarts[line - 1]! + col - 1;
  // Token index where each expression starts: the first token at its parsed position, moved back
  // over opening parentheses (`(a + b)` starts at `(`, which the parser positions at `a`).
  const firstTokens = parsed.map((e, i) => {
    if (i === 0) return 0;
    const at = offsetOf(e.pos.line, e.pos.col);
    let k = tokens.findIndex((t) => t.pos >= at);
    while (k > 0 && tokens[k - 1]!.text === '(' && tokens[k - 1]!.kind === 'op') k--;
    return k;
  });
  const iterates = parsed.length > 1 || parsed.some(iteratesExpr);
  const exprs: PlannedExpr[] = parsed.map((e, i) => {
    const first = tokens[firstTokens[i]!]!;
    let last = (i + 1 < parsed.length ? firstTokens[i + 1]! : tokens.length) - 1;
    while (last > firstTokens[i]! && tokens[last]!.kind === 'op' && tokens[last]!.text === ';') last--;
    const start = first.pos;
    const planned: PlannedExpr = {
      text: query.slice(start, tokens[last]!.end),
      row: first.line,
      col: first.col,
      start,
    };
    if (captures(e, arities)) planned.capture = `${CAPTURE}${i}`;
    return planned;
  });
  let rewritten = '';
  let from = 0;
  const insertions: QueryPlan['insertions'] = [];
  for (const e of exprs) {
    if (e.capture === undefined) continue;
    const text = `${e.capture} := `;
    rewritten += query.slice(from, e.start) + text;
    insertions.push({ at: e.start, length: text.length });
    from = e.start;
  }
  rewritten += query.slice(from);
  if (iterates) for (const e of exprs) if (e.capture !== undefined) rewritten += `\n${e.capture}`;
  return { rewritten, exprs, insertions };
}

/** Whether OPA captures the expression's value: a term, or a call without its output argument. */
function captures(e: Expr, arities: Map<string, number>): boolean {
  if (e.kind !== 'term') return false;
  if (e.term.type !== 'call') return true;
  const name = e.term.fn.join('.');
  const arity = arities.get(name) ?? getBuiltin(name)?.arity;
  return arity !== undefined && arity >= 0 && e.term.args.length === arity;
}

/** Whether an expression iterates (a ref with a variable segment, `some … in`, a relation builtin). */
function iteratesExpr(e: Expr): boolean {
  switch (e.kind) {
    case 'term':
      return iteratesTerm(e.term);
    case 'unify':
    case 'assign':
      return iteratesTerm(e.left) || iteratesTerm(e.right);
    case 'not':
      return iteratesExpr(e.expr);
    case 'somein':
      return true;
    case 'every':
      return iteratesTerm(e.domain);
    case 'some':
      return false;
  }
}

function iteratesTerm(t: Term): boolean {
  switch (t.type) {
    case 'ref':
      return t.path.some((p) => p.type === 'var') || iteratesTerm(t.head) || t.path.some(iteratesTerm);
    case 'call':
      return getBuiltin(t.fn.join('.'))?.relation === true || t.args.some(iteratesTerm);
    case 'array':
    case 'set':
      return t.items.some(iteratesTerm);
    case 'object':
      return t.entries.some(([k, v]) => iteratesTerm(k) || iteratesTerm(v));
    case 'template':
      return t.parts.some((p) => typeof p !== 'string' && iteratesTerm(p));
    default:
      // Comprehensions iterate inside themselves only.
      return false;
  }
}

/** `e` with positions in the rewritten query moved back to the query as written. */
function relocate(e: unknown, plan: QueryPlan, query: string): unknown {
  const lineStarts = [0];
  for (let i = 0; i < plan.rewritten.length; i++)
    if (plan.rewritten.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const original = (line: number, col: number) => {
    let offset = (lineStarts[line - 1] ?? plan.rewritten.length) + col - 1;
    let shift = 0;
    for (const ins of plan.insertions) {
      if (offset < ins.at + shift) break;
      if (offset < ins.at + shift + ins.length) {
        offset = ins.at + shift;
        break;
      }
      shift += ins.length;
    }
    const at = Math.min(offset - shift, query.length);
    const before = query.slice(0, at);
    const row = before.split('\n').length;
    return { line: row, column: at - before.lastIndexOf('\n') };
  };
  if (e instanceof RegoCompileError) {
    // An unsafe variable makes the capture assigned from it unsafe too: that error is the rewrite's.
    const own = e.errors.filter((p) => !p.message.includes(CAPTURE));
    return new RegoCompileError(
      (own.length > 0 ? own : e.errors).map((p) => {
        if (p.file !== 'query') return p;
        const { line, column } = original(p.line, p.column);
        return { ...p, line, column, snippet: snippetAt(query, line, column) };
      }),
    );
  }
  if (e instanceof RegoParseError && e.file === 'query') {
    const { line, column } = original(e.line, e.column);
    return new RegoParseError(e.detail, { file: 'query', line, column }, query.split('\n')[line - 1] ?? '');
  }
  if (e instanceof RegoEvalError && e.location?.file === 'query') {
    const { line, column } = original(e.location.line, e.location.column);
    return new RegoEvalError(e.code, e.detail, { file: 'query', line, column });
  }
  return e;
}
