// Compile step: builds the rule tree, resolves names (locals, rules, imports, builtins),
// checks safety and reorders bodies so every variable is bound before it is read, detects
// conflicting rule kinds and recursion, and builds rule indexes.
import type { Annotations } from './annotations.js';
import { dottedName, type Expr, type Import, type Module, type Pos, type Rule, type Term } from './ast.js';
import { getBuiltin } from './builtins/index.js';
import { UNSUPPORTED_BUILTINS } from './builtins/unsupported.js';
import { equals } from './compare.js';
import { RegoCompileError, type CompileProblem } from './errors.js';
import { exprVarNames, hoistFromNegation, termVarNames } from './negation.js';
import { slotOccurrences, unusedMessage, unusedNames, type Introduced } from './unused.js';
import { buildIndex, constValueOf } from './rule-index.js';
import { FrameLayout, Scope } from './scope.js';
import {
  evaluable,
  outputSlots,
  refKeySlots,
  unboundLocals,
  unboundTermLocals,
  unifiable,
  usedSlots,
  usedTermSlots,
} from './safety.js';
import type { CallTarget, CExpr, CQuery, CTerm, CWith, RuleDef, RuleKind, RuleSet, TreeNode } from './ir.js';
import { ObjectValue, SetValue, keyOf, type Value } from './value.js';

/** Options of the compile step. */
export interface CompilerOptions {
  disabledBuiltins?: readonly string[];
  /** OPA's strict mode (`opa check --strict`): v1's checks for every module, plus unused-name checks. */
  strict?: boolean;
}

/** Result of compiling a set of modules. */
export interface CompiledModules {
  root: TreeNode;
  packages: string[];
  ruleSets: RuleSet[];
  compileQuery(body: Expr[], file: string): CQuery;
  /** Compiles a single term in query context (no package). */
  compileTermQuery(term: Term, file: string): { term: CTerm; nslots: number };
}

/** Per-module name resolution context. */
interface Ctx {
  file: string;
  pkg: string[];
  imports: Map<string, { root: 'input' | 'data'; path: string[] }>;
  /** Aliases of the imports the module's rules use. */
  usedImports: Set<string>;
  pkgRules: Set<string>;
  deps: Set<RuleSet> | undefined;
  /**
   * v1's module checks apply (a v1 module, or strict mode): no deprecated builtins, no rules,
   * variables or duplicate imports shadowing `input`, `data` or one another.
   */
  v1Checks?: boolean;
  /** Values of rego.metadata.rule() and rego.metadata.chain() for the rule being compiled. */
  meta?: { rule: Value; chain: Value };
}

/** Builtins removed from Rego v1 (OPA `checkDeprecatedBuiltins`). */
const DEPRECATED_BUILTINS = new Set([
  'any',
  'all',
  're_match',
  'set_diff',
  'net.cidr_overlap',
  'cast_array',
  'cast_boolean',
  'cast_null',
  'cast_object',
  'cast_set',
  'cast_string',
]);

const OPERATOR_NAMES: Record<string, string> = {
  equal: '==',
  neq: '!=',
  lt: '<',
  gt: '>',
  lte: '<=',
  gte: '>=',
};

class Compiler {
  root: TreeNode = { path: [], children: new Map(), rs: undefined };
  ruleSets: RuleSet[] = [];
  problems: CompileProblem[] = [];
  pkgRules = new Map<string, Set<string>>();
  disabled: Set<string>;
  readonly strict: boolean;
  /** Counter for the variables negations bind before themselves (see negation.ts). */
  freshVars = 0;
  /** Variables the definition being compiled introduced (see unused.ts). */
  introduced: Introduced[] = [];
  deps = new Map<RuleSet, Set<RuleSet>>();
  defaults = new Set<RuleSet>();
  pkgAnnotations = new Map<string, Annotations>();
  docAnnotations = new Map<RuleSet, Annotations>();

  constructor(opts: CompilerOptions) {
    this.disabled = new Set(opts.disabledBuiltins ?? []);
    this.strict = opts.strict ?? false;
  }

  problem(file: string, pos: Pos, message: string, code = 'rego_compile_error'): void {
    this.problems.push({ file, line: pos.line, column: pos.col, message, code });
  }

  fail(): void {
    if (this.problems.length > 0) throw new RegoCompileError(this.problems);
  }

  node(path: string[]): TreeNode {
    let n = this.root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      let c = n.children.get(seg);
      if (!c) {
        c = { path: path.slice(0, i + 1), children: new Map(), rs: undefined };
        n.children.set(seg, c);
      }
      n = c;
    }
    return n;
  }

  findNode(path: readonly string[]): TreeNode | undefined {
    let n: TreeNode | undefined = this.root;
    for (const seg of path) {
      n = n.children.get(seg);
      if (!n) return undefined;
    }
    return n;
  }

  // ---- phase 1: rule sets ----

  declareRules(mods: Module[]): Array<{ rule: Rule; rs: RuleSet; mod: Module; tail: Term[] }> {
    const out: Array<{ rule: Rule; rs: RuleSet; mod: Module; tail: Term[] }> = [];
    for (const mod of mods) {
      this.node(mod.pkg);
      if (mod.annotations) this.pkgAnnotations.set(mod.pkg.join('.'), mod.annotations);
      const key = mod.pkg.join('.');
      let names = this.pkgRules.get(key);
      if (!names) this.pkgRules.set(key, (names = new Set()));
      for (const rule of mod.rules) {
        const first = rule.ref[0]!;
        const name = first.type === 'scalar' ? String(first.value) : '';
        names.add(name);
        const prefix = [...mod.pkg];
        let i = 0;
        for (; i < rule.ref.length; i++) {
          const t = rule.ref[i]!;
          if (t.type !== 'scalar' || typeof t.value !== 'string') break;
          prefix.push(t.value);
        }
        const tail = rule.ref.slice(i);
        let kind: RuleKind;
        if (rule.args) kind = 'function';
        else if (rule.key) kind = 'set';
        else if (tail.length > 0) kind = 'object';
        else kind = 'complete';
        // `a.b[x] contains y`: an object rule whose leaves are sets.
        if (kind === 'set' && tail.length > 0) kind = 'object';
        if ((mod.version === 'v1' || this.strict) && (name === 'input' || name === 'data')) {
          this.problem(mod.file, rule.pos, `rules must not shadow ${name} (use a different rule name)`);
        }
        const node = this.node(prefix);
        let rs = node.rs;
        const arity = rule.args?.length ?? 0;
        if (!rs) {
          rs = {
            path: prefix,
            name: 'data.' + prefix.join('.'),
            kind,
            arity,
            defs: [],
            defaultDef: undefined,
            index: undefined,
            constValue: undefined,
            node,
          };
          node.rs = rs;
          this.ruleSets.push(rs);
        } else if (rs.kind !== kind) {
          this.problem(mod.file, rule.pos, `conflicting rules ${rs.name} found`, 'rego_type_error');
          continue;
        } else if (kind === 'function' && rs.arity !== arity) {
          this.problem(mod.file, rule.pos, `conflicting rules ${rs.name} found`, 'rego_type_error');
          continue;
        }
        if (rule.isDefault) {
          if (this.defaults.has(rs)) {
            this.problem(mod.file, rule.pos, `multiple default rules ${rs.name} found`, 'rego_type_error');
            continue;
          }
          this.defaults.add(rs);
        }
        if (rule.annotations?.scope === 'document') this.docAnnotations.set(rs, rule.annotations);
        out.push({ rule, rs, mod, tail });
      }
    }
    return out;
  }

  // ---- name resolution ----

  /**
   * A global name as a term: `input`, `data`, an import alias or a rule of the package.
   * `note`: record the rule dependencies of the resulting ref (off when the caller extends
   * the ref first, so that `a.b` depends on the rules at `a.b`, not on everything below `a`).
   */
  resolveGlobal(name: string, ctx: Ctx, note = true): CTerm | undefined {
    if (name === 'input') return { t: 'input', path: [] };
    if (name === 'data') {
      if (note) this.noteData([], ctx);
      return { t: 'data', path: [], rule: undefined, at: 0 };
    }
    const imp = this.importOf(name, ctx);
    if (imp) {
      const path: CTerm[] = imp.path.map((s) => ({ t: 'const', v: s }));
      return imp.root === 'input' ? { t: 'input', path } : this.dataRef(path, ctx, note);
    }
    if (ctx.pkgRules.has(name)) {
      const path: CTerm[] = [...ctx.pkg, name].map((s) => ({ t: 'const', v: s }));
      return this.dataRef(path, ctx, note);
    }
    return undefined;
  }

  /** A `data` ref term: notes its dependencies and the rule set its constant prefix reaches. */
  dataRef(path: CTerm[], ctx: Ctx, note = true): CTerm {
    if (note) this.noteData(path, ctx);
    let n: TreeNode | undefined = this.root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (seg.t !== 'const' || typeof seg.v !== 'string') break;
      n = n.children.get(seg.v);
      if (!n) break;
      if (n.rs) return { t: 'data', path, rule: n.rs, at: i + 1 };
    }
    return { t: 'data', path, rule: undefined, at: 0 };
  }

  /**
   * Records the rule sets a data ref may read (for the recursion check), as OPA's
   * GetRulesDynamic finds them: along constant segments, the rules on the way; at a variable
   * segment, every child; at the end of the ref, everything below.
   */
  noteData(path: CTerm[], ctx: Ctx): void {
    const deps = ctx.deps;
    if (!deps) return;
    const below = (from: TreeNode): void => {
      const stack: TreeNode[] = [from];
      while (stack.length) {
        const x = stack.pop()!;
        if (x.rs) deps.add(x.rs);
        stack.push(...x.children.values());
      }
    };
    const walk = (n: TreeNode, i: number): void => {
      if (i === path.length) return below(n);
      const seg = path[i]!;
      if (seg.t === 'const') {
        const child = typeof seg.v === 'string' ? n.children.get(seg.v) : undefined;
        if (!child) return;
        if (child.rs) deps.add(child.rs);
        return walk(child, i + 1);
      }
      for (const child of n.children.values()) {
        if (child.rs) deps.add(child.rs);
        walk(child, i + 1);
      }
    };
    walk(this.root, 0);
  }

  /** Pre-pass: declares the body's local variables so closures can see outer vars. */
  declareBody(body: Expr[], scope: Scope, ctx: Ctx): void {
    const seen = new Set<string>();
    // `:=` targets are declared where they appear (compileExpr), so closures written before
    // the assignment do not see them, as in OPA.
    const declared = new Set<string>();
    const visitTerm = (t: Term): void => {
      switch (t.type) {
        case 'var':
          seen.add(t.name);
          return;
        case 'ref':
          visitTerm(t.head);
          t.path.forEach(visitTerm);
          return;
        case 'array':
        case 'set':
          t.items.forEach(visitTerm);
          return;
        case 'object':
          for (const [k, v] of t.entries) {
            visitTerm(k);
            visitTerm(v);
          }
          return;
        case 'call':
          t.args.forEach(visitTerm);
          return;
        case 'template':
          for (const p of t.parts) if (typeof p !== 'string') visitTerm(p);
          return;
        default:
          return;
      }
    };
    const declare = (t: Term, pos: Pos): void => {
      if (t.type === 'var') {
        if (t.name.startsWith('$')) {
          if (!scope.vars.has(t.name)) scope.declare(t.name);
          return;
        }
        if (scope.assigned.has(t.name)) {
          this.problem(ctx.file, pos, `var ${t.name} assigned above`);
          return;
        }
        if ((t.name === 'input' || t.name === 'data') && ctx.v1Checks) {
          this.problem(ctx.file, pos, `variables must not shadow ${t.name} (use a different variable name)`);
          return;
        }
        scope.assigned.add(t.name);
        declared.add(t.name);
      } else if (t.type === 'array') t.items.forEach((x) => declare(x, pos));
      else if (t.type === 'object') for (const [, v] of t.entries) declare(v, pos);
    };
    const visitExpr = (e: Expr): void => {
      switch (e.kind) {
        case 'term':
          visitTerm(e.term);
          break;
        case 'unify':
          visitTerm(e.left);
          visitTerm(e.right);
          break;
        case 'assign':
          declare(e.left, e.pos);
          visitTerm(e.left);
          visitTerm(e.right);
          break;
        case 'not':
          visitExpr(e.expr);
          break;
        // `some` declares where it appears, like `:=`: a closure written before it has its
        // own variable of that name, as in OPA.
        case 'some':
          for (const v of e.vars) declared.add(v.name);
          break;
        case 'somein':
          if (e.key) declareSome(e.key);
          declareSome(e.value);
          visitTerm(e.domain);
          break;
        case 'every':
          visitTerm(e.domain);
          break;
      }
      for (const w of e.with) {
        // `with f as count`: a function name, not a variable.
        const segs = dottedName(w.value);
        if (segs && !this.resolveGlobalName(segs[0]!, ctx) && getBuiltin(segs.join('.'))) continue;
        visitTerm(w.value);
      }
    };
    const declareSome = (t: Term): void => {
      if (t.type === 'var') declared.add(t.name);
      else if (t.type === 'array') t.items.forEach(declareSome);
      else if (t.type === 'object') for (const [, v] of t.entries) declareSome(v);
      else visitTerm(t);
    };
    body.forEach(visitExpr);
    for (const name of seen) {
      if (declared.has(name)) continue;
      if (scope.vars.has(name) || scope.lookup(name) !== undefined) continue;
      if (this.resolveGlobalName(name, ctx)) continue;
      scope.declare(name);
    }
  }

  /** The import an alias names, marking it used (strict mode reports unused imports). */
  importOf(alias: string, ctx: Ctx): { root: 'input' | 'data'; path: string[] } | undefined {
    const imp = ctx.imports.get(alias);
    if (imp) ctx.usedImports.add(alias);
    return imp;
  }

  resolveGlobalName(name: string, ctx: Ctx): boolean {
    return name === 'input' || name === 'data' || ctx.imports.has(name) || ctx.pkgRules.has(name);
  }

  compileVar(name: string, scope: Scope, ctx: Ctx, note = true): CTerm {
    const slot = scope.lookup(name);
    if (slot !== undefined) return { t: 'local', slot, name };
    const g = this.resolveGlobal(name, ctx, note);
    if (g) return g;
    return { t: 'local', slot: scope.declare(name), name };
  }

  compileTerm(t: Term, scope: Scope, ctx: Ctx): CTerm {
    switch (t.type) {
      case 'scalar':
        return { t: 'const', v: t.value };
      case 'var':
        return this.compileVar(t.name, scope, ctx);
      case 'ref': {
        const head =
          t.head.type === 'var'
            ? this.compileVar(t.head.name, scope, ctx, false)
            : this.compileTerm(t.head, scope, ctx);
        const path = t.path.map((p) => this.compileTerm(p, scope, ctx));
        if (head.t === 'input') return { t: 'input', path: [...head.path, ...path] };
        if (head.t === 'data') return this.dataRef([...head.path, ...path], ctx);
        if (head.t === 'ref') return { t: 'ref', head: head.head, path: [...head.path, ...path] };
        return { t: 'ref', head, path };
      }
      case 'array': {
        const items = t.items.map((x) => this.compileTerm(x, scope, ctx));
        if (items.every(isConst)) return { t: 'const', v: items.map(constOf) };
        return { t: 'array', items };
      }
      case 'set': {
        const items = t.items.map((x) => this.compileTerm(x, scope, ctx));
        if (items.every(isConst)) return { t: 'const', v: SetValue.from(items.map(constOf)) };
        return { t: 'set', items };
      }
      case 'object': {
        const entries = t.entries.map(
          ([k, v]) => [this.compileTerm(k, scope, ctx), this.compileTerm(v, scope, ctx)] as [CTerm, CTerm],
        );
        if (entries.every(([k, v]) => isConst(k) && isConst(v))) {
          const seen = new Map<string, Value>();
          let conflict = false;
          for (const [k, v] of entries) {
            const key = keyOf(constOf(k));
            const prev = seen.get(key);
            if (prev !== undefined && !equals(prev, constOf(v))) conflict = true;
            seen.set(key, constOf(v));
          }
          if (!conflict)
            return { t: 'const', v: ObjectValue.from(entries.map(([k, v]) => [constOf(k), constOf(v)])) };
        }
        return { t: 'object', entries };
      }
      case 'call':
        if (t.args.length === 0 && t.fn.length === 3 && t.fn[0] === 'rego' && t.fn[1] === 'metadata') {
          // Annotations are static: resolve them at compile time.
          if (t.fn[2] === 'rule') return { t: 'const', v: ctx.meta?.rule ?? new ObjectValue() };
          if (t.fn[2] === 'chain') return { t: 'const', v: ctx.meta?.chain ?? [] };
        }
        return this.compileCall(t, scope, ctx, false);
      case 'arraycompr':
      case 'setcompr':
      case 'objectcompr': {
        const child = new Scope(scope, scope.frame);
        const lo = scope.frame.n;
        // Like OPA (RewriteExprTerms, RewriteComprehensionTerms), a head holding refs, calls or
        // closures is computed by the body, so a ref in it may bind variables by iterating:
        // [xs[i] | startswith(i, "a")].
        const lifted: Expr[] = [];
        const lift = (h: Term): Term => {
          if (!needsEvaluation(h)) return h;
          const v: Term = { type: 'var', name: `$c${this.freshVars++}`, pos: h.pos };
          lifted.push({ kind: 'unify', left: v, right: h, with: [], pos: h.pos });
          return v;
        };
        const headKey = t.key ? lift(t.key) : undefined;
        const headTerm = lift(t.term);
        const src = lifted.length > 0 ? [...t.body, ...lifted] : t.body;
        // Head vars first seen in the head are local to the comprehension too.
        this.declareBody(src, child, ctx);
        const body = this.compileBody(src, child, ctx, namesOf(headKey, headTerm));
        const key = headKey ? this.compileTerm(headKey, child, ctx) : undefined;
        const term = this.compileTerm(headTerm, child, ctx);
        const hi = scope.frame.n;
        const kind = t.type === 'arraycompr' ? 'array' : t.type === 'setcompr' ? 'set' : 'object';
        const c: CTerm = { t: 'compr', kind, key, term, body, lo, hi };
        const headTerms = key ? [key, term] : [term];
        this.reorder(c.body, lo, hi, new Set(), ctx.file, t.pos, headTerms);
        return c;
      }
      case 'template':
        return {
          t: 'template',
          parts: t.parts.map((p) => (typeof p === 'string' ? p : this.compileTerm(p, scope, ctx))),
        };
    }
  }

  /** Resolves a call's function; `outputArg` allows one extra argument. */
  compileCall(t: Term & { type: 'call' }, scope: Scope, ctx: Ctx, outputArg: boolean): CTerm {
    const target = this.resolveFunction(t.fn, scope, ctx, t.pos);
    const name = t.fn.join('.');
    const args = t.args.map((a) => this.compileTerm(a, scope, ctx));
    let arity = -1;
    if (target.kind === 'builtin') arity = target.def.arity;
    else if (target.kind === 'func') arity = target.rs.arity;
    if (arity >= 0 && args.length !== arity && !(outputArg && args.length === arity + 1)) {
      const display = Object.hasOwn(OPERATOR_NAMES, name) ? OPERATOR_NAMES[name]! : name;
      this.problem(
        ctx.file,
        t.pos,
        `${display}: arity mismatch\n\thave: (${args.length} args)\n\twant: (${arity} args)`,
        'rego_type_error',
      );
    }
    return { t: 'call', name, target, args, pos: t.pos, file: ctx.file };
  }

  resolveFunction(fn: string[], scope: Scope, ctx: Ctx, pos: Pos): CallTarget {
    const name = fn.join('.');
    const head = fn[0]!;
    let dataPath: string[] | undefined;
    if (scope.lookup(head) !== undefined && fn.length === 1) {
      this.problem(ctx.file, pos, `undefined function ${name}`, 'rego_type_error');
      return { kind: 'unknown' };
    }
    if (head === 'data') dataPath = fn.slice(1);
    else if (ctx.imports.get(head)?.root === 'data') {
      dataPath = [...this.importOf(head, ctx)!.path, ...fn.slice(1)];
    } else if (ctx.pkgRules.has(head)) {
      const p = [...ctx.pkg, ...fn];
      const n = this.findNode(p);
      if (n?.rs?.kind === 'function') dataPath = p;
    }
    if (dataPath) {
      const n = this.findNode(dataPath);
      if (n?.rs?.kind === 'function') {
        ctx.deps?.add(n.rs);
        return { kind: 'func', rs: n.rs };
      }
      if (head === 'data' || !getBuiltin(name)) {
        this.problem(ctx.file, pos, `undefined function ${name}`, 'rego_type_error');
        return { kind: 'unknown' };
      }
    }
    if (name === 'print') return { kind: 'print' };
    if (ctx.v1Checks && DEPRECATED_BUILTINS.has(name)) {
      this.problem(
        ctx.file,
        pos,
        `deprecated built-in function calls in expression: ${name}`,
        'rego_type_error',
      );
      return { kind: 'unknown' };
    }
    if (this.disabled.has(name)) {
      this.problem(
        ctx.file,
        pos,
        `unsafe built-in function calls in expression: ${name} (disabled in this environment)`,
        'rego_type_error',
      );
      return { kind: 'unknown' };
    }
    const def = getBuiltin(name);
    if (def) return { kind: 'builtin', def };
    const reason = Object.hasOwn(UNSUPPORTED_BUILTINS, name) ? UNSUPPORTED_BUILTINS[name] : undefined;
    if (reason) {
      this.problem(ctx.file, pos, `unsupported built-in function ${name}: ${reason}`, 'rego_type_error');
    } else {
      this.problem(ctx.file, pos, `undefined function ${name}`, 'rego_type_error');
    }
    return { kind: 'unknown' };
  }

  /**
   * Compiles a body's expressions in order. `outside`: variable names the body shares with
   * what encloses it (rule head and arguments, comprehension head, `every` key and value).
   */
  compileBody(body: Expr[], scope: Scope, ctx: Ctx, outside: ReadonlySet<string> = NO_NAMES): CExpr[] {
    const out: CExpr[] = [];
    let usedBy: Array<Set<string>> | undefined;
    body.forEach((e, i) => {
      let exprs = [e];
      if (e.kind === 'not') {
        usedBy ??= body.map((x) => {
          const names = new Set<string>();
          exprVarNames(x, names);
          return names;
        });
        const others = usedBy;
        const { before, not } = hoistFromNegation(e, {
          fresh: (pos) => ({ type: 'var', name: `$n${this.freshVars++}`, pos }),
          isGlobal: (name) => scope.lookup(name) === undefined && this.resolveGlobalName(name, ctx),
          isShared: (name) =>
            outside.has(name) ||
            scope.parent?.lookup(name) !== undefined ||
            others.some((names, j) => j !== i && names.has(name)),
        });
        exprs = [...before, not];
      }
      for (const x of exprs) {
        const c = this.compileExpr(x, scope, ctx);
        if (c) out.push(...this.hoistRefs(c, scope));
      }
    });
    return out;
  }

  /**
   * `foo == input.foos[foo]`: a call argument that is a ref iterating a var also used
   * elsewhere in the call must run first. Like OPA, move such refs into their own
   * unification (`$h = input.foos[foo]; foo == $h`) so reordering can schedule them.
   */
  hoistRefs(e: CExpr, scope: Scope): CExpr[] {
    if (e.e !== 'term' && e.e !== 'unify') return [e];
    const pre: CExpr[] = [];
    const visit = (t: CTerm): CTerm => {
      if (t.t !== 'call') return t;
      const keySlots = new Set<number>();
      for (const a of t.args) refKeySlots(a, keySlots);
      if (keySlots.size === 0) return t;
      const direct = new Set<number>();
      for (const a of t.args)
        if (a.t !== 'input' && a.t !== 'data' && a.t !== 'ref') usedTermSlots(a, direct);
      const shared = [...keySlots].some((s) => direct.has(s));
      const args = t.args.map((a) => {
        if (shared && (a.t === 'input' || a.t === 'data' || a.t === 'ref')) {
          const ks = new Set<number>();
          refKeySlots(a, ks);
          if (ks.size > 0) {
            const name = `$h${scope.frame.n}`;
            const local: CTerm = { t: 'local', slot: scope.declare(name), name };
            pre.push({ e: 'unify', a: local, b: a, with: e.with, pos: e.pos, file: e.file });
            return local;
          }
        }
        return visit(a);
      });
      return { ...t, args };
    };
    if (e.e === 'term')
      return pre.length === 0 && e.term.t !== 'call' ? [e] : finish({ ...e, term: visit(e.term) });
    return finish({ ...e, a: visit(e.a), b: visit(e.b) });
    function finish(x: CExpr): CExpr[] {
      return pre.length === 0 ? [x] : [...pre, x];
    }
  }

  compileExpr(e: Expr, scope: Scope, ctx: Ctx): CExpr | undefined {
    const w =
      e.with.length > 0
        ? e.with.map((x) => this.compileWith(x.target, x.value, scope, ctx, x.pos))
        : undefined;
    const base = { with: w, pos: e.pos, file: ctx.file };
    switch (e.kind) {
      case 'term': {
        const t = e.term;
        if (t.type === 'call') {
          const c = this.compileCall(t, scope, ctx, true);
          if (c.t === 'call') {
            const arity =
              c.target.kind === 'builtin'
                ? c.target.def.arity
                : c.target.kind === 'func'
                  ? c.target.rs.arity
                  : -1;
            if (arity >= 0 && c.args.length === arity + 1) {
              const out = c.args.pop()!;
              return { ...base, e: 'unify', a: out, b: c };
            }
          }
          return { ...base, e: 'term', term: c };
        }
        return { ...base, e: 'term', term: this.compileTerm(t, scope, ctx) };
      }
      case 'unify':
      case 'assign': {
        if (e.kind === 'assign') {
          const b = this.compileTerm(e.right, scope, ctx);
          declareAssigned(e.left, scope);
          const a = this.compileTerm(e.left, scope, ctx);
          this.introduce(a, e.pos, 'assigned', scope);
          return { ...base, e: 'unify', a, b };
        }
        const a = this.compileTerm(e.left, scope, ctx);
        const b = this.compileTerm(e.right, scope, ctx);
        return { ...base, e: 'unify', a, b };
      }
      case 'not': {
        const inner = this.compileExpr(e.expr, scope, ctx);
        return { ...base, e: 'not', body: inner ? this.hoistRefs(inner, scope) : [] };
      }
      case 'some':
        for (const v of e.vars) {
          this.introduced.push({
            slot: scope.declare(v.name),
            name: v.name,
            line: e.pos.line,
            col: e.pos.col,
            how: 'declared',
            scope,
          });
        }
        return undefined;
      case 'somein': {
        const domain = this.compileTerm(e.domain, scope, ctx);
        if (e.key) declareAssigned(e.key, scope);
        declareAssigned(e.value, scope);
        const key = e.key ? this.compileTerm(e.key, scope, ctx) : undefined;
        const value = this.compileTerm(e.value, scope, ctx);
        return { ...base, e: 'somein', key, value, domain };
      }
      case 'every': {
        const domain = this.compileTerm(e.domain, scope, ctx);
        const child = new Scope(scope, scope.frame);
        const lo = scope.frame.n;
        const bound = new Set<number>();
        const declareAll = (t: Term): void => {
          if (t.type === 'var') bound.add(child.vars.get(t.name) ?? child.declare(t.name));
          else if (t.type === 'array') t.items.forEach(declareAll);
          else if (t.type === 'object') for (const [, v] of t.entries) declareAll(v);
        };
        if (e.key) declareAll(e.key);
        declareAll(e.value);
        const key = e.key ? this.compileTerm(e.key, child, ctx) : undefined;
        const value = this.compileTerm(e.value, child, ctx);
        this.declareBody(e.body, child, ctx);
        const body = this.compileBody(e.body, child, ctx, namesOf(e.key, e.value));
        const hi = scope.frame.n;
        this.reorder(body, lo, hi, bound, ctx.file, e.pos, []);
        return { ...base, e: 'every', key, value, domain, body, lo, hi };
      }
    }
  }

  compileWith(target: Term, value: Term, scope: Scope, ctx: Ctx, pos: Pos): CWith {
    const segs = dottedName(target);
    const fnValue = (): { value: CTerm | undefined; target: CallTarget | undefined } => {
      const vs = dottedName(value);
      if (vs && (value.type === 'var' || value.type === 'ref')) {
        const head = vs[0]!;
        if (scope.lookup(head) === undefined && head !== 'input') {
          const isFunc =
            (head === 'data' && this.findNode(vs.slice(1))?.rs?.kind === 'function') ||
            (ctx.pkgRules.has(head) && this.findNode([...ctx.pkg, ...vs])?.rs?.kind === 'function') ||
            (!ctx.pkgRules.has(head) &&
              head !== 'data' &&
              !ctx.imports.has(head) &&
              getBuiltin(vs.join('.')));
          if (isFunc) return { value: undefined, target: this.resolveFunction(vs, scope, ctx, pos) };
        }
      }
      return { value: this.compileTerm(value, scope, ctx), target: undefined };
    };
    if (!segs) {
      this.problem(ctx.file, pos, 'with keyword target must reference existing input, data, or a function');
      return { kind: 'input', path: [], value: { t: 'const', v: null } };
    }
    let head = segs[0]!;
    let rest = segs.slice(1);
    const imp = this.importOf(head, ctx);
    if (imp) {
      rest = [...imp.path, ...rest];
      head = imp.root;
    } else if (head !== 'input' && head !== 'data' && ctx.pkgRules.has(head)) {
      rest = [...ctx.pkg, head, ...rest];
      head = 'data';
    }
    if (head === 'input') return { kind: 'input', path: rest, value: this.compileTerm(value, scope, ctx) };
    if (head === 'data') {
      const n = this.findNode(rest);
      if (n?.rs?.kind === 'function') {
        return { kind: 'fn', key: n.rs.name, ...fnValue() };
      }
      return { kind: 'data', path: rest, value: this.compileTerm(value, scope, ctx) };
    }
    const name = segs.join('.');
    const def = getBuiltin(name);
    if (!def && name !== 'print' && !Object.hasOwn(UNSUPPORTED_BUILTINS, name)) {
      this.problem(
        ctx.file,
        pos,
        `with keyword target must reference existing input, data, or a function`,
        'rego_type_error',
      );
    }
    return { kind: 'fn', key: name, ...fnValue() };
  }

  // ---- safety ----

  /**
   * Reorders `body` so each expression runs after the ones binding its inputs, and reports
   * unsafe variables. Slots outside [lo, hi) belong to enclosing scopes and count as bound.
   */
  reorder(
    body: CExpr[],
    lo: number,
    hi: number,
    bound: Set<number>,
    file: string,
    pos: Pos,
    head: CTerm[],
  ): void {
    const isBound = (s: number): boolean => s < lo || s >= hi || bound.has(s);
    const used: Array<Set<number>> = body.map((e) => {
      const s = new Set<number>();
      usedSlots(e, s);
      return s;
    });
    const headSlots = new Set<number>();
    for (const h of head) usedTermSlots(h, headSlots);
    const pending = body.map((e, i) => ({ e, i }));
    const ordered: CExpr[] = [];
    while (pending.length > 0) {
      let picked = -1;
      for (let j = 0; j < pending.length; j++) {
        const { e, i } = pending[j]!;
        if (this.canPlace(e, isBound, used, i, headSlots)) {
          picked = j;
          break;
        }
      }
      if (picked < 0) {
        const names = new Set<string>();
        for (const { e } of pending) {
          for (const [slot, name] of unboundLocals(e, isBound)) if (slot >= lo && slot < hi) names.add(name);
        }
        const list = [...names].filter((n) => !n.startsWith('$'));
        const p = pending[0]!.e.pos;
        if (list.length === 0) this.problem(file, p, 'var _ is unsafe', 'rego_unsafe_var_error');
        for (const n of list) this.problem(file, p, `var ${n} is unsafe`, 'rego_unsafe_var_error');
        return;
      }
      const { e } = pending.splice(picked, 1)[0]!;
      ordered.push(e);
      for (const s of outputSlots(e)) bound.add(s);
    }
    body.splice(0, body.length, ...ordered);
    for (const h of head) {
      if (evaluable(h, isBound)) continue;
      const keys = new Set<number>();
      refKeySlots(h, keys);
      for (const [slot, name] of unboundTermLocals(h, isBound)) {
        if (keys.has(slot)) continue;
        if (slot >= lo && slot < hi && !name.startsWith('$')) {
          this.problem(file, pos, `var ${name} is unsafe`, 'rego_unsafe_var_error');
        } else if (slot >= lo && slot < hi) {
          this.problem(file, pos, `var _ is unsafe`, 'rego_unsafe_var_error');
        }
      }
    }
  }

  canPlace(
    e: CExpr,
    isBound: (s: number) => boolean,
    used: Array<Set<number>>,
    index: number,
    headSlots: Set<number>,
  ): boolean {
    if (e.with) {
      for (const w of e.with) if (w.value && !evaluable(w.value, isBound)) return false;
    }
    switch (e.e) {
      case 'term':
        return evaluable(e.term, isBound);
      case 'unify':
        return unifiable(e.a, e.b, isBound);
      case 'somein':
        return evaluable(e.domain, isBound);
      case 'every': {
        if (!evaluable(e.domain, isBound)) return false;
        const s = new Set<number>();
        for (const b of e.body) usedSlots(b, s);
        for (const x of s) if ((x < e.lo || x >= e.hi) && !isBound(x)) return false;
        return true;
      }
      case 'not': {
        // Vars used only inside the negation are existential; shared ones must be bound first.
        const mine = used[index]!;
        for (const s of mine) {
          if (isBound(s)) continue;
          if (headSlots.has(s)) return false;
          for (let j = 0; j < used.length; j++) if (j !== index && used[j]!.has(s)) return false;
        }
        return true;
      }
    }
  }

  // ---- rules ----

  /** Records the variables of a compiled `:=` target or argument pattern (see unused.ts). */
  introduce(t: CTerm, pos: Pos, how: Introduced['how'], scope: Scope): void {
    if (t.t === 'local')
      this.introduced.push({ slot: t.slot, name: t.name, line: pos.line, col: pos.col, how, scope });
    else if (t.t === 'array') for (const x of t.items) this.introduce(x, pos, how, scope);
    else if (t.t === 'object') for (const [, v] of t.entries) this.introduce(v, pos, how, scope);
  }

  /**
   * Reports a definition's unused names: `some` variables always, the rest in strict mode.
   * Like OPA, a scope is not checked once its body had errors: not after other errors in the
   * definition, and not around a nested scope that reported unused names.
   */
  checkUnused(def: RuleDef, file: string, hadErrors: boolean): void {
    if (hadErrors) return;
    const found = unusedNames(this.introduced, slotOccurrences(def)).filter(
      (v) => v.how === 'declared' || this.strict,
    );
    const enclosing = new Set<unknown>();
    for (const v of found) for (let s = (v.scope as Scope).parent; s; s = s.parent) enclosing.add(s);
    for (const v of found) {
      if (enclosing.has(v.scope)) continue;
      this.problems.push({
        file,
        line: v.line,
        column: v.col,
        message: unusedMessage(v),
        code: 'rego_compile_error',
      });
    }
  }

  compileRuleDef(rule: Rule, tail: Term[], ctx: Ctx): RuleDef | undefined {
    const before = this.problems.length;
    const def = this.compileRuleDefinition(rule, tail, ctx);
    // OPA checks unused names while rewriting local variables, which the declaration errors
    // (rego_compile_error: `var x assigned above`, shadowing) stop; safety and type errors
    // come from later stages.
    const declErrors = this.problems.slice(before).some((p) => p.code === 'rego_compile_error');
    if (def) this.checkUnused(def, ctx.file, declErrors);
    return def;
  }

  private compileRuleDefinition(rule: Rule, tail: Term[], ctx: Ctx): RuleDef | undefined {
    this.introduced = [];
    const frame = new FrameLayout();
    const scope = new Scope(undefined, frame);
    const bound = new Set<number>();
    let args: CTerm[] | undefined;
    if (rule.args && !rule.isDefault) {
      // Arguments that are not patterns (calls, refs, templates) become equality checks
      // after the body, as OPA rewrites them: f($"{x}") if { x = 1 }.
      const extra: Expr[] = [];
      const argTerms = rule.args.map((a, i) => {
        if (
          a.type === 'var' ||
          a.type === 'scalar' ||
          a.type === 'array' ||
          a.type === 'object' ||
          a.type === 'set'
        ) {
          return a;
        }
        const v: Term = { type: 'var', name: `$arg${i}`, pos: a.pos };
        extra.push({ kind: 'unify', left: v, right: a, with: [], pos: a.pos });
        return v;
      });
      if (extra.length > 0) rule = { ...rule, args: argTerms, body: [...rule.body, ...extra] };
    }
    if (rule.args) {
      const declareArg = (t: Term): void => {
        if (t.type === 'var') {
          if (t.name === 'input' || t.name === 'data') {
            this.problem(ctx.file, t.pos, `args must not shadow ${t.name} (use a different variable name)`);
          } else if (!scope.vars.has(t.name)) bound.add(scope.declare(t.name));
        } else if (t.type === 'array') t.items.forEach(declareArg);
        else if (t.type === 'object') for (const [, v] of t.entries) declareArg(v);
      };
      rule.args.forEach(declareArg);
      args = rule.args.map((a) => this.compileTerm(a, scope, ctx));
      for (const a of args) this.introduce(a, rule.pos, 'argument', scope);
    }
    if (rule.isDefault) {
      // The parser has checked that the value is constant (closures aside).
      const value: CTerm = rule.value ? this.compileTerm(rule.value, scope, ctx) : { t: 'const', v: true };
      return {
        nslots: frame.n,
        args,
        refTail: undefined,
        key: undefined,
        value,
        body: [],
        elses: [],
        file: ctx.file,
        pos: rule.pos,
      };
    }
    this.declareBody(rule.body, scope, ctx);
    // Head vars not bound anywhere still need slots (they will be reported unsafe).
    const body = this.compileBody(
      rule.body,
      scope,
      ctx,
      namesOf(...tail, rule.key, rule.value, ...(rule.args ?? [])),
    );
    const refTail = tail.length > 0 ? tail.map((t) => this.compileTerm(t, scope, ctx)) : undefined;
    const key = rule.key ? this.compileTerm(rule.key, scope, ctx) : undefined;
    const value: CTerm = rule.value ? this.compileTerm(rule.value, scope, ctx) : { t: 'const', v: true };
    const head = [...(refTail ?? []), ...(key ? [key] : []), value];
    this.reorder(body, 0, Number.MAX_SAFE_INTEGER, new Set(bound), ctx.file, rule.pos, head);
    const elses = rule.elses.map((el) => {
      const child = new Scope(scope, frame);
      const lo = frame.n;
      this.declareBody(el.body, child, ctx);
      const b = this.compileBody(el.body, child, ctx, namesOf(el.value));
      const v: CTerm = el.value ? this.compileTerm(el.value, child, ctx) : { t: 'const', v: true };
      this.reorder(b, lo, Number.MAX_SAFE_INTEGER, new Set(bound), ctx.file, el.pos, [v]);
      return { value: v, body: b };
    });
    return { nslots: frame.n, args, refTail, key, value, body, elses, file: ctx.file, pos: rule.pos };
  }

  compileModules(mods: Module[]): void {
    const decls = this.declareRules(mods);
    const ctxs = new Map<Module, Ctx>(mods.map((m) => [m, this.moduleCtx(m)]));
    for (const { rule, rs, mod, tail } of decls) {
      const ctx = ctxs.get(mod)!;
      let deps = this.deps.get(rs);
      if (!deps) this.deps.set(rs, (deps = new Set()));
      ctx.deps = deps;
      ctx.meta = this.metadataOf(rule, rs, mod.pkg);
      const def = this.compileRuleDef(rule, tail, ctx);
      if (!def) continue;
      if (rule.isDefault) rs.defaultDef = def;
      else rs.defs.push(def);
    }
    if (this.strict) {
      for (const [mod, ctx] of ctxs) {
        for (const imp of mod.imports) {
          const alias = imp.alias ?? imp.path[imp.path.length - 1]!;
          if (ctx.imports.has(alias) && !ctx.usedImports.has(alias)) {
            this.problem(mod.file, imp.pos, `${importText(imp)} unused`);
          }
        }
      }
    }
    this.checkRecursion();
    for (const rs of this.ruleSets) {
      rs.constValue = constValueOf(rs);
      rs.index = buildIndex(rs);
    }
  }

  /** rego.metadata.rule() and rego.metadata.chain() as seen from one rule definition. */
  metadataOf(rule: Rule, rs: RuleSet, pkg: string[]): { rule: Value; chain: Value } {
    const own = rule.annotations?.scope === 'rule' ? rule.annotations.value : undefined;
    const entry = (path: string[], a: ObjectValue | undefined): Value => {
      const o = new ObjectValue();
      o.set('path', path);
      if (a) o.set('annotations', a);
      return o;
    };
    const chain: Value[] = [entry(rs.path, own)];
    const doc = this.docAnnotations.get(rs);
    if (doc) chain.push(entry(rs.path, doc.value));
    for (let n = pkg.length; n >= 1; n--) {
      const a = this.pkgAnnotations.get(pkg.slice(0, n).join('.'));
      if (!a) continue;
      if (a.scope === 'subpackages' || (a.scope === 'package' && n === pkg.length))
        chain.push(entry(pkg.slice(0, n), a.value));
    }
    return { rule: own ?? new ObjectValue(), chain };
  }

  moduleCtx(mod: Module): Ctx {
    const v1Checks = mod.version === 'v1' || this.strict;
    const imports = new Map<string, { root: 'input' | 'data'; path: string[] }>();
    const byName = new Map<string, Import>();
    for (const imp of mod.imports) {
      const alias = imp.alias ?? imp.path[imp.path.length - 1]!;
      const first = byName.get(alias);
      if (first && v1Checks) this.problem(mod.file, imp.pos, `import must not shadow ${importText(first)}`);
      if (!first) byName.set(alias, imp);
      const root = imp.path[0];
      if (root !== 'input' && root !== 'data') continue;
      imports.set(alias, { root, path: imp.path.slice(1) });
    }
    return {
      file: mod.file,
      pkg: mod.pkg,
      imports,
      usedImports: new Set(),
      pkgRules: this.pkgRules.get(mod.pkg.join('.')) ?? new Set(),
      deps: undefined,
      v1Checks,
    };
  }

  checkRecursion(): void {
    // Iterative DFS (policies may chain thousands of rules; no JS recursion here).
    const state = new Map<RuleSet, number>(); // 1 = on the stack, 2 = done
    const reported = new Set<RuleSet>();
    for (const start of this.ruleSets) {
      if (state.has(start)) continue;
      const path: RuleSet[] = [];
      const iters: Array<Iterator<RuleSet>> = [];
      const push = (rs: RuleSet): void => {
        state.set(rs, 1);
        path.push(rs);
        iters.push((this.deps.get(rs) ?? new Set<RuleSet>()).values());
      };
      push(start);
      while (iters.length > 0) {
        const next = iters[iters.length - 1]!.next();
        if (next.done) {
          state.set(path.pop()!, 2);
          iters.pop();
          continue;
        }
        const d = next.value;
        const st = state.get(d);
        if (st === 2) continue;
        if (st === 1) {
          if (!reported.has(d)) {
            reported.add(d);
            const cycle = path.slice(path.indexOf(d));
            const def = d.defs[0] ?? d.defaultDef;
            this.problems.push({
              file: def?.file ?? '',
              line: def?.pos.line ?? 0,
              column: def?.pos.col ?? 0,
              message: `rule ${d.name} is recursive: ${[...cycle, d].map((r) => r.name).join(' -> ')}`,
              code: 'rego_recursion_error',
            });
          }
          continue;
        }
        push(d);
      }
    }
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** Whether a term holds a ref, call, closure or template (OPA's requiresEval, plus calls). */
function needsEvaluation(t: Term): boolean {
  switch (t.type) {
    case 'scalar':
    case 'var':
      return false;
    case 'array':
    case 'set':
      return t.items.some(needsEvaluation);
    case 'object':
      return t.entries.some(([k, v]) => needsEvaluation(k) || needsEvaluation(v));
    default:
      return true;
  }
}

/** The variable names in some terms. */
function namesOf(...terms: Array<Term | undefined>): Set<string> {
  const out = new Set<string>();
  for (const t of terms) if (t) termVarNames(t, out);
  return out;
}

/** An import as OPA prints it in messages: `import data.a.b as c`. */
function importText(imp: Import): string {
  return `import ${imp.path.join('.')}${imp.alias ? ` as ${imp.alias}` : ''}`;
}

/** Declares the variables of a `:=` target or `some` pattern in the current scope (shadowing outer ones). */
function declareAssigned(t: Term, scope: Scope): void {
  if (t.type === 'var') {
    if (!scope.vars.has(t.name)) scope.declare(t.name);
  } else if (t.type === 'array') t.items.forEach((x) => declareAssigned(x, scope));
  else if (t.type === 'object') for (const [, v] of t.entries) declareAssigned(v, scope);
}

function isConst(t: CTerm): boolean {
  return t.t === 'const';
}

function constOf(t: CTerm): Value {
  return (t as { t: 'const'; v: Value }).v;
}

/** Compiles parsed modules; throws RegoCompileError listing every problem found. */
export function compileModules(mods: Module[], opts: CompilerOptions = {}): CompiledModules {
  const c = new Compiler(opts);
  const seenPkgs = new Set<string>();
  const packages: string[] = [];
  for (const m of mods) {
    const p = m.pkg.join('.');
    if (!seenPkgs.has(p)) {
      seenPkgs.add(p);
      packages.push(p);
    }
  }
  c.compileModules(mods);
  c.fail();
  const queryCtx: Ctx = {
    file: 'query',
    pkg: [],
    imports: new Map(),
    usedImports: new Set(),
    pkgRules: new Set(),
    deps: undefined,
  };
  return {
    root: c.root,
    packages,
    ruleSets: c.ruleSets,
    compileQuery(body: Expr[], file: string): CQuery {
      c.problems = [];
      const frame = new FrameLayout();
      const scope = new Scope(undefined, frame);
      const ctx = { ...queryCtx, file };
      c.declareBody(body, scope, ctx);
      const compiled = c.compileBody(body, scope, ctx);
      c.reorder(
        compiled,
        0,
        Number.MAX_SAFE_INTEGER,
        new Set(),
        file,
        body[0]?.pos ?? { line: 1, col: 1 },
        [],
      );
      c.fail();
      const vars: Array<{ name: string; slot: number }> = [];
      for (const [name, slot] of scope.vars) if (!name.startsWith('$')) vars.push({ name, slot });
      return { body: compiled, nslots: frame.n, vars };
    },
    compileTermQuery(term: Term, file: string) {
      c.problems = [];
      const frame = new FrameLayout();
      const scope = new Scope(undefined, frame);
      const t = c.compileTerm(term, scope, { ...queryCtx, file });
      c.fail();
      return { term: t, nslots: frame.n };
    },
  };
}
