// Top-down evaluator with backtracking, in continuation-passing style.
//
// Every producer of solutions takes a continuation `k`; it binds frame slots, calls `k`, and
// unbinds afterwards. A continuation returns `true` to stop the search (e.g. `not` only
// needs one solution), and that `true` propagates back to the caller unchanged.
import type { Pos } from '../ast.js';
import { OperandTypeError, type BuiltinContext } from '../builtins/registry.js';
import { equals } from '../compare.js';
import { RegoError, RegoEvalError } from '../errors.js';
import { regoText } from '../format.js';
import {
  hasValue,
  type CallTarget,
  type CExpr,
  type CTerm,
  type CWith,
  type RuleDef,
  type RuleSet,
  type TreeNode,
} from '../ir.js';
import { ObjectValue, SetValue, compareStrings, keyOf, type Value } from '../value.js';
import type { Budget } from './budget.js';
import { setPath, type Overrides, withOverride, EMPTY_OVERRIDES } from './overrides.js';

/** Frame of local variable slots; `undefined` means unbound. */
export type Frame = Array<Value | undefined>;
type Cont = () => boolean;
type VCont = (v: Value) => boolean;

/** Settings of one evaluation. */
export interface EvalSettings {
  input: Value | undefined;
  data: Value;
  strict: boolean;
  budget: Budget;
  /** Receives `print()` output; without it `print` is a no-op. */
  print?: (message: string) => void;
}

const UNDEF = Symbol('undefined');
type Memo = Value | typeof UNDEF;

/** What a `with` replaces for one expression and restores afterwards. */
type State = [
  Value | undefined,
  Overrides | undefined,
  Map<string, Mock> | undefined,
  Map<object, Memo>,
  Map<RuleSet, Map<string, Memo>>,
];

interface Mock {
  value: Value | undefined;
  target: CallTarget | undefined;
}

/** Evaluates compiled queries against one input/data pair. */
export class Evaluator {
  private input: Value | undefined;
  private readonly baseData: Value;
  private readonly strict: boolean;
  private readonly budget: Budget;
  private memo = new Map<object, Memo>();
  private overrides: Overrides | undefined = EMPTY_OVERRIDES;
  private mocks: Map<string, Mock> | undefined;
  private readonly active = new Set<RuleSet>();
  /** Object rule entries being evaluated (see objectEntry). */
  private readonly activeEntries = new Set<string>();
  /** Object rule entries by rule set and key; reset with `memo` under `with`. */
  private entryMemo = new Map<RuleSet, Map<string, Memo>>();
  private depth = 0;
  private readonly bctx: BuiltinContext;
  private readonly printer: ((message: string) => void) | undefined;

  constructor(
    private readonly root: TreeNode,
    settings: EvalSettings,
  ) {
    this.input = settings.input;
    this.baseData = settings.data;
    this.strict = settings.strict;
    this.budget = settings.budget;
    this.printer = settings.print;
    this.bctx = new Context(settings.strict, settings.budget);
  }

  // ---- entry points ----

  /** Runs a body, calling `onSolution` for each solution (return true to stop). */
  run(body: CExpr[], frame: Frame, onSolution: Cont): void {
    this.guard(() => this.evalBody(body, 0, frame, onSolution));
  }

  /** Evaluates a term, calling `onValue` for each value. */
  runTerm(term: CTerm, frame: Frame, onValue: VCont): void {
    this.guard(() => this.evalTerm(term, frame, onValue));
  }

  private guard(fn: () => boolean): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof RangeError) {
        if (/call stack/i.test(e.message)) {
          throw new RegoEvalError(
            'eval_cancel_error',
            'evaluation exceeded the maximum depth (stack overflow)',
          );
        }
        throw new RegoEvalError('eval_builtin_error', e.message);
      }
      throw e;
    }
  }

  // ---- bodies and expressions ----

  private evalBody(body: CExpr[], i: number, f: Frame, k: Cont): boolean {
    if (i === body.length) return k();
    const e = body[i]!;
    if (i + 1 === body.length) return this.evalExpr(e, f, k);
    return this.evalExpr(e, f, () => this.evalBody(body, i + 1, f, k));
  }

  private evalExpr(e: CExpr, f: Frame, k: Cont): boolean {
    this.budget.step();
    if (e.with) return this.evalWith(e, f, k);
    return this.evalPlain(e, f, k);
  }

  private evalPlain(e: CExpr, f: Frame, k: Cont): boolean {
    switch (e.e) {
      case 'term':
        return this.evalTerm(e.term, f, (v) => (v !== false ? k() : false));
      case 'unify':
        return this.unifyTerms(e.a, e.b, f, k);
      case 'not':
        return this.evalBody(e.body, 0, f, () => true) ? false : k();
      case 'somein':
        return this.evalTerm(e.domain, f, (dom) => this.iterate(dom, e.key, e.value, f, k));
      case 'every':
        return this.evalTerm(e.domain, f, (dom) => {
          if (!(Array.isArray(dom) || dom instanceof ObjectValue || dom instanceof SetValue)) return false;
          let ok = true;
          this.iterate(dom, e.key, e.value, f, () => {
            const found = this.evalBody(e.body, 0, f, () => true);
            if (!found) {
              ok = false;
              return true;
            }
            return false;
          });
          return ok ? k() : false;
        });
    }
  }

  /** Unifies (key, value) patterns with each element of a collection. */
  private iterate(dom: Value, key: CTerm | undefined, value: CTerm, f: Frame, k: Cont): boolean {
    if (Array.isArray(dom)) {
      for (let i = 0; i < dom.length; i++) {
        this.budget.step();
        const el = dom[i]!;
        const r = key
          ? this.unifyValue(key, i, f, () => this.unifyValue(value, el, f, k))
          : this.unifyValue(value, el, f, k);
        if (r) return true;
      }
      return false;
    }
    if (dom instanceof ObjectValue) {
      for (const kk of dom.keys()) {
        this.budget.step();
        const el = dom.get(kk)!;
        const r = key
          ? this.unifyValue(key, kk, f, () => this.unifyValue(value, el, f, k))
          : this.unifyValue(value, el, f, k);
        if (r) return true;
      }
      return false;
    }
    if (dom instanceof SetValue) {
      for (const el of dom.values()) {
        this.budget.step();
        const r = key
          ? this.unifyValue(key, el, f, () => this.unifyValue(value, el, f, k))
          : this.unifyValue(value, el, f, k);
        if (r) return true;
      }
    }
    return false;
  }

  // ---- with ----

  private evalWith(e: CExpr, f: Frame, k: Cont): boolean {
    const values: Array<Value | undefined> = [];
    const withs = e.with!;
    // All replacement values are computed in the outer context, before any applies.
    const collect = (i: number): boolean => {
      if (i === withs.length) return this.applyWiths(e, withs, values, f, k);
      const w = withs[i]!;
      if (!w.value || (w.kind === 'fn' && w.target)) {
        values.push(undefined);
        const r = collect(i + 1);
        values.pop();
        return r;
      }
      return this.evalTerm(w.value, f, (v) => {
        values.push(v);
        const r = collect(i + 1);
        values.pop();
        return r;
      });
    };
    return collect(0);
  }

  private applyWiths(e: CExpr, withs: CWith[], values: Array<Value | undefined>, f: Frame, k: Cont): boolean {
    const saved = this.saveState();
    let mocks = this.mocks;
    for (let i = 0; i < withs.length; i++) {
      const w = withs[i]!;
      const v = values[i];
      if (w.kind === 'input') {
        this.input = w.path.length === 0 ? v : setPath(this.input, w.path, v!);
      } else if (w.kind === 'data') {
        this.overrides = withOverride(this.overrides, w.path, v!);
      } else {
        mocks = new Map(mocks ?? []);
        mocks.set(w.key, { value: v, target: w.target });
      }
    }
    this.mocks = mocks;
    this.memo = new Map();
    this.entryMemo = new Map();
    const inner = this.saveState();
    try {
      return this.evalPlain(e, f, () => {
        this.restoreState(saved);
        try {
          return k();
        } finally {
          this.restoreState(inner);
        }
      });
    } finally {
      this.restoreState(saved);
    }
  }

  private saveState(): State {
    return [this.input, this.overrides, this.mocks, this.memo, this.entryMemo];
  }

  private restoreState(s: State): void {
    [this.input, this.overrides, this.mocks, this.memo, this.entryMemo] = s;
  }

  // ---- terms ----

  private evalTerm(t: CTerm, f: Frame, k: VCont): boolean {
    switch (t.t) {
      case 'const':
        return k(t.v);
      case 'local': {
        const v = f[t.slot];
        return v === undefined ? false : k(v);
      }
      case 'input':
        return this.input === undefined ? false : this.evalRefPath(this.input, t.path, 0, f, k);
      case 'data':
        if (t.rule !== undefined && this.overrides === undefined) {
          if (t.rule.kind === 'object' && t.at < t.path.length) {
            const seg = t.path[t.at]!;
            const key = seg.t === 'const' ? seg.v : seg.t === 'local' ? f[seg.slot] : undefined;
            if (key !== undefined) {
              const e = this.objectEntry(t.rule, key);
              return e === undefined ? false : this.evalRefPath(e, t.path, t.at + 1, f, k);
            }
          }
          const v = this.ruleSetValue(t.rule);
          return v === undefined ? false : this.evalRefPath(v, t.path, t.at, f, k);
        }
        return this.walkData(this.root, this.baseData, this.overrides, t.path, 0, f, k);
      case 'ref':
        return this.evalTerm(t.head, f, (h) => this.evalRefPath(h, t.path, 0, f, k));
      case 'array':
        return this.evalList(t.items, 0, [], f, (items) => k(items.slice()));
      case 'set':
        return this.evalList(t.items, 0, [], f, (items) => k(SetValue.from(items)));
      case 'object': {
        const flat: CTerm[] = [];
        for (const [a, b] of t.entries) flat.push(a, b);
        return this.evalList(flat, 0, [], f, (items) => {
          const o = new ObjectValue();
          for (let i = 0; i < items.length; i += 2) o.set(items[i]!, items[i + 1]!);
          return k(o);
        });
      }
      case 'call':
        if (t.target.kind === 'print') return this.evalPrint(t.args, f, k);
        return this.evalList(t.args, 0, [], f, (args) => this.call(t, args.slice(), k));
      case 'compr':
        return k(this.evalCompr(t, f));
      case 'template':
        return this.evalTemplate(t.parts, f, k);
    }
  }

  /** Evaluates terms left to right (cartesian product of their values). */
  private evalList(
    items: CTerm[],
    i: number,
    acc: Value[],
    f: Frame,
    k: (vals: Value[]) => boolean,
  ): boolean {
    if (i === items.length) return k(acc);
    const item = items[i]!;
    if (item.t === 'const') {
      acc.push(item.v);
      const r = this.evalList(items, i + 1, acc, f, k);
      acc.pop();
      return r;
    }
    return this.evalTerm(item, f, (v) => {
      acc.push(v);
      const r = this.evalList(items, i + 1, acc, f, k);
      acc.pop();
      return r;
    });
  }

  /**
   * `print(...)` always succeeds. Like OPA, each argument is collected as a set of values
   * (`<undefined>` when it has none) and one line is printed per combination.
   */
  private evalPrint(args: CTerm[], f: Frame, k: VCont): boolean {
    if (this.printer) {
      const options: string[][] = args.map((a) => {
        const vals = new SetValue();
        this.evalTerm(a, f, (v) => {
          vals.add(v);
          return false;
        });
        if (vals.size === 0) return ['<undefined>'];
        return vals.values().map((v) => (typeof v === 'string' ? v : regoText(v)));
      });
      let lines: string[][] = [[]];
      for (const opts of options) lines = lines.flatMap((l) => opts.map((o) => [...l, o]));
      for (const l of lines) this.printer(l.join(' '));
    }
    return k(true);
  }

  private evalTemplate(parts: Array<string | CTerm>, f: Frame, k: VCont): boolean {
    let s = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        s += p;
        continue;
      }
      let got: Value | undefined;
      let many = false;
      this.evalTerm(p, f, (v) => {
        if (got !== undefined && !equals(got, v)) many = true;
        got = v;
        return many;
      });
      if (many)
        throw new RegoEvalError('eval_conflict_error', 'template expression produced multiple values');
      s += got === undefined ? '<undefined>' : typeof got === 'string' ? got : regoText(got);
    }
    return k(s);
  }

  private evalCompr(t: CTerm & { t: 'compr' }, f: Frame): Value {
    if (t.kind === 'array') {
      const out: Value[] = [];
      this.evalBody(t.body, 0, f, () =>
        this.evalTerm(t.term, f, (v) => {
          out.push(v);
          return false;
        }),
      );
      return out;
    }
    if (t.kind === 'set') {
      const out = new SetValue();
      this.evalBody(t.body, 0, f, () =>
        this.evalTerm(t.term, f, (v) => {
          out.add(v);
          return false;
        }),
      );
      return out;
    }
    const out = new ObjectValue();
    this.evalBody(t.body, 0, f, () =>
      this.evalTerm(t.key!, f, (kv) =>
        this.evalTerm(t.term, f, (v) => {
          const prev = out.get(kv);
          if (prev !== undefined && !equals(prev, v)) {
            throw new RegoEvalError('eval_conflict_error', 'object keys must be unique');
          }
          out.set(kv, v);
          return false;
        }),
      ),
    );
    return out;
  }

  // ---- refs ----

  /**
   * Applies ref segments `path[i..]` to `v`. Unbound variable segments iterate. `baseDoc`:
   * `v` is stored data, where integer keys address string keys (OPA's store converts them).
   */
  private evalRefPath(v: Value, path: CTerm[], i: number, f: Frame, k: VCont, baseDoc = false): boolean {
    let cur: Value | undefined = v;
    for (; i < path.length; i++) {
      const seg = path[i]!;
      let key: Value | undefined;
      if (seg.t === 'const') key = seg.v;
      else if (seg.t === 'local') {
        key = f[seg.slot];
        if (key === undefined) return this.iterateRef(cur, seg, path, i, f, k);
      } else if ((seg.t === 'array' || seg.t === 'object') && hasUnbound(seg, f)) {
        return this.iterateRef(cur, seg, path, i, f, k);
      } else {
        const base = cur;
        return this.evalTerm(seg, f, (kv) => {
          const child = lookup(base, kv);
          return child === undefined ? false : this.evalRefPath(child, path, i + 1, f, k);
        });
      }
      if (baseDoc && typeof key === 'number' && cur instanceof ObjectValue) key = String(key);
      cur = lookup(cur, key);
      if (cur === undefined) return false;
    }
    return k(cur);
  }

  private iterateRef(v: Value, seg: CTerm, path: CTerm[], i: number, f: Frame, k: VCont): boolean {
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) {
        this.budget.step();
        const el = v[j]!;
        if (this.unifyValue(seg, j, f, () => this.evalRefPath(el, path, i + 1, f, k))) return true;
      }
    } else if (v instanceof ObjectValue) {
      for (const key of v.keys()) {
        this.budget.step();
        const el = v.get(key)!;
        if (this.unifyValue(seg, key, f, () => this.evalRefPath(el, path, i + 1, f, k))) return true;
      }
    } else if (v instanceof SetValue) {
      for (const el of v.values()) {
        this.budget.step();
        if (this.unifyValue(seg, el, f, () => this.evalRefPath(el, path, i + 1, f, k))) return true;
      }
    }
    return false;
  }

  // ---- unification ----

  private unifyTerms(a: CTerm, b: CTerm, f: Frame, k: Cont): boolean {
    if (a.t === 'array' && b.t === 'array') {
      if (a.items.length !== b.items.length) return false;
      return this.unifyPairs(a.items, b.items, 0, f, k);
    }
    if (a.t === 'object' && b.t === 'object') {
      if (a.entries.length !== b.entries.length) return false;
      if (a.entries.every(([key]) => key.t === 'const') && b.entries.every(([key]) => key.t === 'const')) {
        const left: CTerm[] = [];
        const right: CTerm[] = [];
        for (const [ka, va] of a.entries) {
          const match = b.entries.find(([kb]) => equals((kb as { v: Value }).v, (ka as { v: Value }).v));
          if (!match) return false;
          left.push(va);
          right.push(match[1]);
        }
        return this.unifyPairs(left, right, 0, f, k);
      }
    }
    if (a.t === 'local' && f[a.slot] === undefined)
      return this.evalTerm(b, f, (v) => this.unifyValue(a, v, f, k));
    if (hasUnbound(a, f)) return this.evalTerm(b, f, (v) => this.unifyValue(a, v, f, k));
    return this.evalTerm(a, f, (v) => this.unifyValue(b, v, f, k));
  }

  private unifyPairs(a: CTerm[], b: CTerm[], i: number, f: Frame, k: Cont): boolean {
    if (i === a.length) return k();
    return this.unifyTerms(a[i]!, b[i]!, f, () => this.unifyPairs(a, b, i + 1, f, k));
  }

  /** Unifies a pattern term with a value, binding unbound locals. */
  private unifyValue(p: CTerm, v: Value, f: Frame, k: Cont): boolean {
    switch (p.t) {
      case 'const':
        return equals(p.v, v) ? k() : false;
      case 'local': {
        const cur = f[p.slot];
        if (cur === undefined) {
          f[p.slot] = v;
          try {
            return k();
          } finally {
            f[p.slot] = undefined;
          }
        }
        return equals(cur, v) ? k() : false;
      }
      case 'array':
        if (!Array.isArray(v) || v.length !== p.items.length) return false;
        return this.unifyItems(p.items, v, 0, f, k);
      case 'object': {
        if (!(v instanceof ObjectValue) || v.size !== p.entries.length) return false;
        return this.unifyEntries(p.entries, v, 0, f, k);
      }
      default:
        return this.evalTerm(p, f, (pv) => (equals(pv, v) ? k() : false));
    }
  }

  private unifyItems(items: CTerm[], vs: Value[], i: number, f: Frame, k: Cont): boolean {
    if (i === items.length) return k();
    return this.unifyValue(items[i]!, vs[i]!, f, () => this.unifyItems(items, vs, i + 1, f, k));
  }

  private unifyEntries(
    entries: Array<[CTerm, CTerm]>,
    o: ObjectValue,
    i: number,
    f: Frame,
    k: Cont,
  ): boolean {
    if (i === entries.length) return k();
    const [kt, vt] = entries[i]!;
    return this.evalTerm(kt, f, (key) => {
      const v = o.get(key);
      if (v === undefined) return false;
      return this.unifyValue(vt, v, f, () => this.unifyEntries(entries, o, i + 1, f, k));
    });
  }

  // ---- calls ----

  private call(t: CTerm & { t: 'call' }, args: Value[], k: VCont): boolean {
    let target = t.target;
    if (this.mocks) {
      const key =
        target.kind === 'builtin' ? target.def.name : target.kind === 'func' ? target.rs.name : t.name;
      const mock = this.mocks.get(key);
      if (mock) {
        if (mock.target === undefined) return k(mock.value!);
        target = mock.target;
        // Inside a replacement the originals are used: mocks do not chain.
        const saved = this.mocks;
        this.mocks = undefined;
        try {
          return this.callTarget(target, t, args, (v) => {
            this.mocks = saved;
            try {
              return k(v);
            } finally {
              this.mocks = undefined;
            }
          });
        } finally {
          this.mocks = saved;
        }
      }
    }
    return this.callTarget(target, t, args, k);
  }

  private callTarget(target: CallTarget, t: CTerm & { t: 'call' }, args: Value[], k: VCont): boolean {
    switch (target.kind) {
      case 'builtin': {
        let r: Value | undefined;
        const charged = this.budget.bytesCharged;
        try {
          r = target.def.fn(args, this.bctx);
        } catch (err) {
          return this.builtinFailure(err, target.def.name, t.file, t.pos);
        }
        if (r === undefined) return false;
        if (typeof r === 'string' && r.length > 4096)
          chargeString(this.budget, r, this.budget.bytesCharged - charged);
        if (target.def.relation && Array.isArray(r)) {
          for (const x of r) {
            this.budget.step();
            if (k(x)) return true;
          }
          return false;
        }
        return k(r);
      }
      case 'func':
        return this.callFunction(target.rs, args, k);
      case 'print':
        return k(true);
      case 'unknown':
        throw new RegoEvalError('eval_internal_error', `unsupported built-in function ${t.name}`);
    }
  }

  private builtinFailure(err: unknown, name: string, file: string, pos: Pos): boolean {
    if (err instanceof RegoError) throw err;
    // Possibly a stack overflow: rethrow untouched (inspecting it here could overflow again);
    // guard() classifies it at the top of the stack.
    if (err instanceof RangeError) throw err;
    // Without strict mode a failing builtin is undefined, as in OPA (non-Error throws are bugs).
    if (!this.strict && err instanceof Error) return false;
    const code = err instanceof OperandTypeError ? 'eval_type_error' : 'eval_builtin_error';
    const msg = err instanceof Error ? err.message : String(err);
    throw new RegoEvalError(code, `${name}: ${msg}`, { file, line: pos.line, column: pos.col });
  }

  private enter(rs: RuleSet): void {
    if (this.active.has(rs) && rs.kind !== 'function') {
      throw new RegoEvalError('eval_cancel_error', `rule ${rs.name} is recursive (evaluation cancelled)`);
    }
    if (++this.depth > 2000) {
      throw new RegoEvalError('eval_cancel_error', 'evaluation exceeded the maximum call depth');
    }
    this.active.add(rs);
  }

  private leave(rs: RuleSet): void {
    this.depth--;
    this.active.delete(rs);
  }

  private callFunction(rs: RuleSet, args: Value[], k: VCont): boolean {
    let result: Value | undefined;
    this.enter(rs);
    try {
      for (const def of rs.defs) {
        const f: Frame = new Array(def.nslots);
        this.unifyItems(def.args!, args, 0, f, () =>
          this.evalDef(def, f, (v) => {
            if (result === undefined) result = v;
            else if (!equals(result, v)) {
              throw this.conflict(def, 'functions must not produce multiple outputs for same inputs');
            }
            return false;
          }),
        );
      }
      if (result === undefined && rs.defaultDef) {
        result = this.constOf(rs.defaultDef);
      }
    } finally {
      this.leave(rs);
    }
    return result === undefined ? false : k(result);
  }

  private conflict(def: RuleDef, msg: string): RegoEvalError {
    return new RegoEvalError('eval_conflict_error', msg, {
      file: def.file,
      line: def.pos.line,
      column: def.pos.col,
    });
  }

  private constOf(def: RuleDef): Value | undefined {
    let out: Value | undefined;
    this.evalTerm(def.value, new Array(def.nslots), (v) => {
      out = v;
      return true;
    });
    return out;
  }

  /** Runs a definition's body then its else chain; `onValue` gets each value of the first link that succeeds. */
  private evalDef(def: RuleDef, f: Frame, onValue: VCont): boolean {
    let found = false;
    let stop = this.evalBody(def.body, 0, f, () => {
      found = true;
      return this.evalTerm(def.value, f, onValue);
    });
    if (stop || found) return stop;
    for (const el of def.elses) {
      stop = this.evalBody(el.body, 0, f, () => {
        found = true;
        return this.evalTerm(el.value, f, onValue);
      });
      if (stop || found) return stop;
    }
    return false;
  }

  // ---- rule sets ----

  private candidates(rs: RuleSet): RuleDef[] {
    const idx = rs.index;
    if (!idx || this.input === undefined) return rs.defs;
    let v: Value | undefined = this.input;
    for (const seg of idx.path) {
      v = lookup(v, seg);
      if (v === undefined) return idx.rest;
    }
    return idx.byKey.get(keyOf(v)) ?? idx.rest;
  }

  private ruleSetValue(rs: RuleSet): Value | undefined {
    const memo = this.memo.get(rs);
    if (memo !== undefined) return memo === UNDEF ? undefined : memo;
    let v: Value | undefined;
    this.enter(rs);
    try {
      switch (rs.kind) {
        case 'complete':
          v = this.evalComplete(rs);
          break;
        case 'set':
          v = this.evalSet(rs);
          break;
        case 'object':
          v = this.evalObject(rs);
          break;
        case 'function':
          if (hasValue(rs)) {
            this.callFunction(rs, [], (r) => {
              v = r;
              return true;
            });
          }
          break;
      }
    } finally {
      this.leave(rs);
    }
    this.memo.set(rs, v === undefined ? UNDEF : v);
    return v;
  }

  private evalComplete(rs: RuleSet): Value | undefined {
    const defs = this.candidates(rs);
    let result: Value | undefined;
    if (rs.constValue !== undefined) {
      for (const def of defs) {
        const f: Frame = new Array(def.nslots);
        if (this.evalBody(def.body, 0, f, () => true)) return rs.constValue;
      }
    } else {
      for (const def of defs) {
        const f: Frame = new Array(def.nslots);
        this.evalDef(def, f, (v) => {
          if (result === undefined) result = v;
          else if (!equals(result, v))
            throw this.conflict(def, 'complete rules must not produce multiple outputs');
          return false;
        });
      }
    }
    if (result === undefined && rs.defaultDef) result = this.constOf(rs.defaultDef);
    return result;
  }

  private evalSet(rs: RuleSet): Value {
    const out = new SetValue();
    for (const def of this.candidates(rs)) {
      const f: Frame = new Array(def.nslots);
      this.evalBody(def.body, 0, f, () =>
        this.evalTerm(def.key!, f, (v) => {
          out.add(v);
          return false;
        }),
      );
    }
    return out;
  }

  /**
   * The value of an object rule set, or with `only`, just its entry for that first key: then
   * only definitions whose first key unifies with it and the child rules named by it are
   * evaluated, as OPA evaluates a ref with a ground key. A rule below the object rule's path
   * may thus read a sibling key of it (`x.b := data.p.x.a` beside `x[k] := …`).
   */
  private evalObject(rs: RuleSet, only?: Value): Value | undefined {
    const out = new ObjectValue();
    // Objects created for ref-head paths may be merged; values produced by rules may not.
    const owned = new WeakSet<ObjectValue>([out]);
    for (const def of this.candidates(rs)) {
      const f: Frame = new Array(def.nslots);
      const tail = def.refTail!;
      if (only !== undefined && !this.unifyValue(tail[0]!, only, f, () => true)) continue;
      const insert = (keys: Value[], v: Value, leafSet: boolean): boolean => {
        let obj = out;
        for (let i = 0; i < keys.length - 1; i++) {
          let child = obj.get(keys[i]!);
          if (child === undefined) {
            child = new ObjectValue();
            owned.add(child);
            obj.set(keys[i]!, child);
          } else if (!(child instanceof ObjectValue) || !owned.has(child)) {
            throw this.conflict(def, 'object keys must be unique');
          }
          obj = child;
        }
        const last = keys[keys.length - 1]!;
        const prev = obj.get(last);
        if (leafSet) {
          if (prev === undefined) obj.set(last, SetValue.from([v]));
          else if (prev instanceof SetValue) prev.add(v);
          else throw this.conflict(def, 'object keys must be unique');
          return false;
        }
        if (prev !== undefined) {
          if (equals(prev, v) && !(prev instanceof ObjectValue && owned.has(prev))) return false;
          throw this.conflict(def, 'object keys must be unique');
        }
        obj.set(last, v);
        return false;
      };
      const onSolution = (valueTerm: CTerm): boolean =>
        this.evalList(tail, 0, [], f, (keys) =>
          def.key
            ? this.evalTerm(def.key, f, (v) => insert(keys, v, true))
            : this.evalTerm(valueTerm, f, (v) => insert(keys, v, false)),
        );
      const run = (): boolean => {
        let found = false;
        this.evalBody(def.body, 0, f, () => {
          found = true;
          return onSolution(def.value);
        });
        if (!found) {
          for (const el of def.elses) {
            this.evalBody(el.body, 0, f, () => {
              found = true;
              return onSolution(el.value);
            });
            if (found) break;
          }
        }
        return false;
      };
      if (only === undefined) run();
      else this.unifyValue(tail[0]!, only, f, run);
    }
    this.mergeChildren(out, rs.node, owned, rs.defs[0], only);
    return only === undefined ? out : out.get(only);
  }

  /** `data…rule[key]` for an object rule set, evaluating only what that key needs (memoised). */
  private objectEntry(rs: RuleSet, key: Value): Value | undefined {
    let byKey = this.entryMemo.get(rs);
    if (!byKey) this.entryMemo.set(rs, (byKey = new Map()));
    const k = keyOf(key);
    const memo = byKey.get(k);
    if (memo !== undefined) return memo === UNDEF ? undefined : memo;
    const active = `${rs.name}\u0000${k}`;
    if (this.activeEntries.has(active)) {
      throw new RegoEvalError('eval_cancel_error', `rule ${rs.name} is recursive (evaluation cancelled)`);
    }
    if (++this.depth > 2000) {
      throw new RegoEvalError('eval_cancel_error', 'evaluation exceeded the maximum call depth');
    }
    this.activeEntries.add(active);
    let v: Value | undefined;
    try {
      v = this.evalObject(rs, key);
    } finally {
      this.depth--;
      this.activeEntries.delete(active);
    }
    byKey.set(k, v === undefined ? UNDEF : v);
    return v;
  }

  /** Merges the values of rules below an object rule's node into its object. */
  private mergeChildren(
    target: ObjectValue,
    node: TreeNode,
    owned: WeakSet<ObjectValue>,
    def: RuleDef | undefined,
    only?: Value,
  ): void {
    for (const [name, child] of node.children) {
      if (only !== undefined && name !== only) continue;
      const existing = target.get(name);
      if (child.rs) {
        if (!hasValue(child.rs)) continue;
        const v = this.ruleSetValue(child.rs);
        if (v === undefined) continue;
        if (existing !== undefined) {
          if (existing instanceof SetValue && v instanceof SetValue) {
            target.set(name, SetValue.from([...existing.values(), ...v.values()]));
            continue;
          }
          if (equals(existing, v) && !(existing instanceof ObjectValue && owned.has(existing))) continue;
          throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', def && loc(def));
        }
        target.set(name, v);
        continue;
      }
      let sub: ObjectValue;
      if (existing === undefined) {
        sub = new ObjectValue();
        owned.add(sub);
        target.set(name, sub);
      } else if (existing instanceof ObjectValue && owned.has(existing)) {
        sub = existing;
      } else {
        throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', def && loc(def));
      }
      this.mergeChildren(sub, child, owned, def);
    }
  }

  // ---- the data tree ----

  private walkData(
    node: TreeNode | undefined,
    base: Value | undefined,
    ov: Overrides | undefined,
    path: CTerm[],
    i: number,
    f: Frame,
    k: VCont,
  ): boolean {
    for (;;) {
      if (ov && ov.value !== undefined) return this.evalRefPath(ov.value, path, i, f, k);
      if (node?.rs) {
        const v = this.ruleSetValue(node.rs);
        return v === undefined ? false : this.evalRefPath(v, path, i, f, k);
      }
      if (!node && !ov) return base === undefined ? false : this.evalRefPath(base, path, i, f, k, true);
      if (i === path.length) {
        const v = this.extent(node, base, ov);
        return v === undefined ? false : k(v);
      }
      const seg = path[i]!;
      let key: Value | undefined;
      if (seg.t === 'const') key = seg.v;
      else if (seg.t === 'local') key = f[seg.slot];
      else if (!hasUnbound(seg, f)) {
        return this.evalTerm(seg, f, (kv) =>
          typeof kv === 'string'
            ? this.walkData(
                node?.children.get(kv),
                childOf(base, kv),
                ov?.children.get(kv),
                path,
                i + 1,
                f,
                k,
              )
            : false,
        );
      }
      if (key === undefined) {
        // Enumerate base keys and rule children.
        const keys = new Set<string>();
        if (base instanceof ObjectValue)
          for (const bk of base.keys()) if (typeof bk === 'string') keys.add(bk);
        if (node) for (const ck of node.children.keys()) keys.add(ck);
        if (ov) for (const ok of ov.children.keys()) keys.add(ok);
        for (const kk of [...keys].sort(compareStrings)) {
          const r = this.unifyValue(seg, kk, f, () =>
            this.walkData(node?.children.get(kk), childOf(base, kk), ov?.children.get(kk), path, i + 1, f, k),
          );
          if (r) return true;
        }
        return false;
      }
      if (typeof key !== 'string') {
        // Base documents are JSON: OPA's store converts integer path segments to strings.
        if (typeof key !== 'number' || !Number.isInteger(key) || node?.rs) return false;
        key = String(key);
      }
      node = node?.children.get(key);
      base = childOf(base, key);
      ov = ov?.children.get(key);
      i++;
    }
  }

  /** Full value of a subtree: base data merged with the values of the rules below. */
  private extent(
    node: TreeNode | undefined,
    base: Value | undefined,
    ov: Overrides | undefined,
  ): Value | undefined {
    if (ov && ov.value !== undefined) return ov.value;
    if (node?.rs) return hasValue(node.rs) ? this.ruleSetValue(node.rs) : undefined;
    if (!node && !ov) return base;
    const canMemo = !ov;
    if (canMemo && node) {
      const memo = this.memo.get(node);
      if (memo !== undefined) return memo === UNDEF ? undefined : memo;
    }
    const out = new ObjectValue();
    if (node) {
      for (const [name, child] of node.children) {
        if (child.rs && !hasValue(child.rs)) continue;
        const v = this.extent(child, childOf(base, name), ov?.children.get(name));
        if (v !== undefined) out.set(name, v);
      }
    }
    // Base documents win over rule values for the same key (OPA merges virtual into base).
    if (base instanceof ObjectValue) {
      for (const [bk, bv] of base.entries()) {
        const cur = out.get(bk);
        if (cur instanceof ObjectValue && bv instanceof ObjectValue) continue; // merged recursively
        out.set(bk, bv);
      }
    }
    if (ov) {
      for (const [name, child] of ov.children) {
        if (node?.children.has(name)) continue;
        const v = this.extent(undefined, childOf(base, name), child);
        if (v !== undefined) out.set(name, v);
      }
    }
    if (canMemo && node) this.memo.set(node, out);
    return out;
  }
}

/** What builtins see of the evaluation (a class: no per-evaluation closures). */
class Context implements BuiltinContext {
  private now: bigint | undefined;
  private scratch: Map<string, unknown> | undefined;
  constructor(
    readonly strict: boolean,
    private readonly budget: Budget,
  ) {}
  charge(n: number): void {
    this.budget.charge(n);
  }
  allocate(bytes: number): void {
    this.budget.allocate(bytes);
  }
  checkTime(): void {
    this.budget.checkTime();
  }
  expectWork(ms: number): void {
    this.budget.expectWork(ms);
  }
  nowNs(): bigint {
    if (this.now === undefined) this.now = BigInt(Date.now()) * 1_000_000n;
    return this.now;
  }
  get cache(): Map<string, unknown> {
    return (this.scratch ??= new Map());
  }
}

/**
 * Charges the size budget for a large string a builtin returned (less what the builtin charged
 * itself), so strings that grow with their arguments (`concat`, `sprintf`, `strings.replace_n`
 * in a loop) are bounded even where the builtin does not charge. Builtins that build large
 * arrays or objects charge those before building them (see builtins/registry.ts); small
 * results are bounded by the steps.
 */
function chargeString(budget: Budget, r: string, prepaid: number): void {
  budget.allocate(2 * r.length - prepaid);
}

function loc(def: RuleDef): { file: string; line: number; column: number } {
  return { file: def.file, line: def.pos.line, column: def.pos.col };
}

function childOf(base: Value | undefined, key: string): Value | undefined {
  return base instanceof ObjectValue ? base.get(key) : undefined;
}

/** `v[key]` for arrays, objects and sets; undefined otherwise. */
export function lookup(v: Value, key: Value): Value | undefined {
  if (v instanceof ObjectValue) return v.get(key);
  if (Array.isArray(v)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return undefined;
    return v[key];
  }
  if (v instanceof SetValue) return v.has(key) ? key : undefined;
  return undefined;
}

/** True when a pattern term contains a local that is not bound yet. */
function hasUnbound(t: CTerm, f: Frame): boolean {
  switch (t.t) {
    case 'local':
      return f[t.slot] === undefined;
    case 'array':
    case 'set':
      return t.items.some((x) => hasUnbound(x, f));
    case 'object':
      return t.entries.some(([, v]) => hasUnbound(v, f));
    default:
      return false;
  }
}
