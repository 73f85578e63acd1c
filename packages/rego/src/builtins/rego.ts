// rego.parse_module: parses a module with this engine's parser and returns it in the shape
// of OPA's AST JSON (package, imports, rules with head and body; terms as {type, value}).
import type { Expr, Module, Rule, Term } from '../ast.js';
import { RegoParseError } from '../errors.js';
import { parseModule } from '../parser.js';
import { BigNum } from '../number.js';
import { fromJS, type Value } from '../value.js';
import { BuiltinError, expectString, type BuiltinDef } from './registry.js';

type J = unknown;

const ref = (parts: string[]): J => ({
  type: 'ref',
  value: parts.map((p, i) => (i === 0 ? { type: 'var', value: p } : { type: 'string', value: p })),
});

function scalar(v: Value): J {
  if (v === null) return { type: 'null' };
  if (typeof v === 'boolean') return { type: 'boolean', value: v };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number' || v instanceof BigNum) return { type: 'number', value: v };
  return { type: 'null' };
}

function varName(name: string): string {
  // Wildcards are `$_N` internally; OPA shows them as `$N`.
  return name.startsWith('$_') ? `$${name.slice(2)}` : name;
}

function term(t: Term): J {
  switch (t.type) {
    case 'scalar':
      return scalar(t.value);
    case 'var':
      return { type: 'var', value: varName(t.name) };
    case 'ref':
      return { type: 'ref', value: [term(t.head), ...t.path.map(term)] };
    case 'array':
      return { type: 'array', value: t.items.map(term) };
    case 'set':
      return { type: 'set', value: t.items.map(term) };
    case 'object':
      return { type: 'object', value: t.entries.map(([k, v]) => [term(k), term(v)]) };
    case 'call':
      return { type: 'call', value: [ref(t.fn), ...t.args.map(term)] };
    case 'arraycompr':
      return { type: 'arraycomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'setcompr':
      return { type: 'setcomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'objectcompr':
      return {
        type: 'objectcomprehension',
        value: { key: term(t.key!), value: term(t.term), body: body(t.body) },
      };
    case 'template':
      return {
        type: 'templatestring',
        value: t.parts.map((p) => (typeof p === 'string' ? { type: 'string', value: p } : term(p))),
      };
  }
}

function expr(e: Expr, index: number): J {
  const out: Record<string, J> = { index };
  switch (e.kind) {
    case 'term':
      out.terms = e.term.type === 'call' ? [ref(e.term.fn), ...e.term.args.map(term)] : term(e.term);
      break;
    case 'unify':
    case 'assign':
      out.terms = [ref([e.kind === 'assign' ? 'assign' : 'eq']), term(e.left), term(e.right)];
      break;
    case 'not':
      Object.assign(out, expr(e.expr, index));
      out.negated = true;
      break;
    case 'some':
      out.terms = { symbols: e.vars.map(term) };
      break;
    case 'somein':
      out.terms = {
        symbols: [
          {
            type: 'call',
            value: [
              ref(['internal', e.key ? 'member_3' : 'member_2']),
              ...(e.key ? [term(e.key)] : []),
              term(e.value),
              term(e.domain),
            ],
          },
        ],
      };
      break;
    case 'every':
      out.terms = {
        key: e.key ? term(e.key) : null,
        value: term(e.value),
        domain: term(e.domain),
        body: body(e.body),
      };
      break;
  }
  if (e.with.length > 0) out.with = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  return out;
}

function body(exprs: Expr[]): J[] {
  return exprs.length === 0 ? [{ index: 0, terms: { type: 'boolean', value: true } }] : exprs.map(expr);
}

function rule(r: Rule): J {
  const head: Record<string, J> = {
    name: r.ref.length === 1 && r.ref[0]!.type === 'scalar' ? String(r.ref[0]!.value) : undefined,
    ref: r.ref.map((t, i) => (i === 0 && t.type === 'scalar' ? { type: 'var', value: t.value } : term(t))),
  };
  if (head.name === undefined) delete head.name;
  if (r.args) head.args = r.args.map(term);
  if (r.key) head.key = term(r.key);
  if (r.value || !r.key) head.value = r.value ? term(r.value) : { type: 'boolean', value: true };
  if (r.assign) head.assign = true;
  const out: Record<string, J> = { head, body: body(r.body) };
  if (r.isDefault) out.default = true;
  // else chains nest: each link is a rule whose head carries the link's value.
  let tail = out;
  for (const el of r.elses) {
    const link: Record<string, J> = {
      head: { ...head, value: el.value ? term(el.value) : { type: 'boolean', value: true } },
      body: body(el.body),
    };
    tail.else = link;
    tail = link;
  }
  return out;
}

/** OPA-style AST JSON of a module. */
function moduleJSON(m: Module): J {
  const out: Record<string, J> = {
    package: { path: [{ type: 'var', value: 'data' }, ...m.pkg.map((p) => ({ type: 'string', value: p }))] },
  };
  if (m.imports.length > 0) {
    out.imports = m.imports.map((i) =>
      i.alias ? { path: ref(i.path), alias: i.alias } : { path: ref(i.path) },
    );
  }
  if (m.rules.length > 0) out.rules = m.rules.map(rule);
  return out;
}

/** The `rego` builtins. */
export const regoBuiltins: BuiltinDef[] = [
  {
    name: 'rego.parse_module',
    arity: 2,
    fn: (args) => {
      const file = expectString(args, 0);
      const src = expectString(args, 1);
      try {
        return fromJS(moduleJSON(parseModule(src, file, 'v1')));
      } catch (e) {
        if (e instanceof RegoParseError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
];
