// Language semantics of the evaluator (values, rules, unification, with, errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, RegoEvalError, type EvalOptions } from '../src/index.js';

function q(source: string, query: string, options?: EvalOptions): unknown {
  return compile(source).query(query, options);
}

function ev(source: string, ref: string, options?: EvalOptions): unknown {
  return compile(source).evaluate(ref, options);
}

test('exact numbers and numeric equality', () => {
  assert.equal(ev('package x\np := 0.1 + 0.2 == 0.3', 'data.x.p'), true);
  assert.equal(ev('package x\np := count({1, 1.0, 1e0, 2})', 'data.x.p'), 2);
  assert.equal(
    ev('package x\np := format_int(9223372036854775807 + 1, 10)', 'data.x.p'),
    '9223372036854775808',
  );
  assert.equal(ev('package x\np := 28857836529306024611913 != 28857836529306024611912', 'data.x.p'), true);
  assert.equal(ev('package x\np := 1e400 > 1e399', 'data.x.p'), true);
  assert.equal(ev('package x\np := {3.5: "x"}[3.50]', 'data.x.p'), 'x');
  assert.equal(ev('package x\np := -17 % 5', 'data.x.p'), -2);
  assert.equal(ev('package x\np := 7 / 2', 'data.x.p'), 3.5);
  // OPA computes non-integer results on 64-bit-mantissa floats.
  assert.equal(
    ev('package x\np := json.marshal([1 / 3, 1.1 - 1])', 'data.x.p'),
    '[0.33333333333333333334,0.10000000000000000002]',
  );
  // Results are JSON: numbers beyond the double range come back as the nearest finite double.
  assert.deepEqual(ev('package x\np := [1e400, -1e400 * 10, bits.lsh(1, 1100), 1e-400]', 'data.x.p'), [
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MAX_VALUE,
    0,
  ]);
  // Exact text stays available through json.marshal.
  assert.equal(ev('package x\np := json.marshal(1e400)', 'data.x.p'), '1e400');
});

test('total order across types', () => {
  assert.deepEqual(ev('package x\np := sort([{}, "a", 1, null, [], false, set()])', 'data.x.p'), [
    null,
    false,
    1,
    'a',
    [],
    {},
    [],
  ]);
  assert.equal(
    ev('package x\np := [1 < "a", [] < {}, {} < set()]', 'data.x.p')!.toString(),
    'true,true,true',
  );
});

test('results: sets sorted, non-string keys JSON-encoded', () => {
  assert.deepEqual(ev('package x\np := {3, 1, 2}', 'data.x.p'), [1, 2, 3]);
  assert.deepEqual(ev('package x\np := {1: "a", [1]: "b", true: "c"}', 'data.x.p'), {
    '1': 'a',
    '[1]': 'b',
    true: 'c',
  });
});

test('rules: complete, multi-value, partial object, ref heads, default, else, functions', () => {
  const src = `package x
import rego.v1
default allow := false
allow if input.user == "admin"
s contains x if some x in [3, 1]
o[k] := v if some k, v in {"a": 1}
a.b[c].d := 1 if some c in ["u"]
f(x) := "pos" if x > 0
else := "neg" if x < 0
else := "zero"
default g(_) := "none"
g(1) := "one"
sign := [f(5), f(-1), f(0), g(1), g(2)]
`;
  const p = compile(src);
  assert.deepEqual(p.evaluate('data.x', { input: { user: 'admin' } }), {
    allow: true,
    s: [1, 3],
    o: { a: 1 },
    a: { b: { u: { d: 1 } } },
    sign: ['pos', 'neg', 'zero', 'one', 'none'],
  });
  assert.equal(p.evaluate('data.x.allow', { input: { user: 'bob' } }), false);
});

test('queries return one row per solution with user variables only', () => {
  assert.deepEqual(q('package x\np := 1', 'some i; [10, 20][i] = v; _ = i'), [
    { i: 0, v: 10 },
    { i: 1, v: 20 },
  ]);
  assert.deepEqual(q('package x\np := 1', 'data.x.p == 2'), []);
  assert.deepEqual(q('package x\np := 1', 'data.x.p == 1'), [{}]);
});

test('unification destructures arrays and objects', () => {
  assert.deepEqual(q('package x', '[a, 1] = [2, b]; {"k": c} = {"k": [a, b]}'), [{ a: 2, b: 1, c: [2, 1] }]);
});

test('safety reordering', () => {
  assert.equal(ev('package x\np if { x > 1; x = input.n }', 'data.x.p', { input: { n: 2 } }), true);
});

test('not, some/in, every, comprehensions', () => {
  const src = `package x
p if not input.missing
q if { some x in input.xs; x == 2 }
r if { every x in input.xs { x > 0 } }
c := {"arr": [x | some x in input.xs], "set": {x | some x in input.xs}, "obj": {x: true | some x in input.xs}}
`;
  assert.deepEqual(compile(src).evaluate('data.x', { input: { xs: [2, 1, 2] } }), {
    p: true,
    q: true,
    r: true,
    c: { arr: [2, 1, 2], set: [1, 2], obj: { '1': true, '2': true } },
  });
});

test('with replaces input, data and functions for one expression', () => {
  const src = `package x
p := input.a
d := data.cfg.level
f(x) := x + 1
r := [a, b] if {
  a := f(1) with f as 10
  b := count([1, 2]) with count as 7
}
`;
  const pol = compile(src);
  assert.deepEqual(pol.query('v := data.x.p with input.a as 5; w := data.x.p', { input: { a: 1 } }), [
    { v: 5, w: 1 },
  ]);
  assert.deepEqual(pol.query('v := data.x.d with data.cfg.level as 3', { data: { cfg: { level: 1 } } }), [
    { v: 3 },
  ]);
  assert.deepEqual(pol.evaluate('data.x.r'), [10, 7]);
  // Rule refs are resolved to their rule set at compile time; a `with` on the rule still wins.
  assert.deepEqual(pol.query('v := data.x.p + 1 with data.x.p as 41; w := data.x.p', { input: { a: 1 } }), [
    { v: 42, w: 1 },
  ]);
});

test('conflicts raise eval_conflict_error', () => {
  assert.throws(
    () => ev('package x\np := 1\np := 2', 'data.x.p'),
    (e) => e instanceof RegoEvalError && e.code === 'eval_conflict_error',
  );
  assert.throws(
    () => ev('package x\nf(_) := 1\nf(_) := 2\np := f(1)', 'data.x.p'),
    (e) => e instanceof RegoEvalError && /functions must not produce multiple outputs/.test(e.message),
  );
  assert.throws(
    () => ev('package x\np := {k: v | some k in ["a"]; some v in [1, 2]}', 'data.x.p'),
    (e) => e instanceof RegoEvalError && /object keys must be unique/.test(e.message),
  );
});

test('builtin errors are undefined unless strict', () => {
  const src = 'package x\np := 1 / 0';
  assert.equal(ev(src, 'data.x.p'), undefined);
  assert.throws(
    () => ev(src, 'data.x.p', { strictBuiltinErrors: true }),
    (e) =>
      e instanceof RegoEvalError &&
      e.code === 'eval_builtin_error' &&
      e.message.includes('div: divide by zero'),
  );
  assert.throws(
    () => ev('package x\np := 1 - {1}', 'data.x.p', { strictBuiltinErrors: true }),
    (e) =>
      e instanceof RegoEvalError &&
      e.code === 'eval_type_error' &&
      e.message === 'policy.rego:2: eval_type_error: minus: operand 2 must be number but got set',
  );
});

test('print goes to the hook and never fails', () => {
  const lines: string[] = [];
  assert.equal(
    ev('package x\np if print("v:", input.missing, [1])', 'data.x.p', { print: (m) => lines.push(m) }),
    true,
  );
  assert.deepEqual(lines, ['v: <undefined> [1]']);
});

test('string interpolation', () => {
  assert.equal(
    ev('package x\nn := 2\np := $"n={n} s={{1}} u={input.x}"', 'data.x.p'),
    'n=2 s={1} u=<undefined>',
  );
});

test('rule index selects candidate definitions without changing results', () => {
  const lines = ['package x'];
  for (let i = 0; i < 50; i++) lines.push(`allow if input.team == "t${i}"`);
  lines.push('allow if input.admin');
  const p = compile(lines.join('\n'));
  assert.equal(p.evaluate('data.x.allow', { input: { team: 't42' } }), true);
  assert.equal(p.evaluate('data.x.allow', { input: { team: 'nope' } }), undefined);
  assert.equal(p.evaluate('data.x.allow', { input: { admin: true } }), true);
  assert.equal(p.evaluate('data.x.allow', { input: { team: 't1' } }), true);
});

test('number literals keep their text where OPA makes it observable', () => {
  const p = compile(`package x
a := json.marshal([1.0, 1.50, 1e2, 2])
b := [1.0 == 1, count({1, 1.0}), {1.0: "k"}[1], 1.0 + 1, $"{1.50}"]
`);
  assert.equal(p.evaluate('data.x.a'), '[1.0,1.50,1e2,2]');
  assert.deepEqual(p.evaluate('data.x.b'), [true, 1, 'k', 2, '1.50']);
});

test('METADATA annotations through rego.metadata.rule() and chain()', () => {
  const p = compile(`# METADATA
# description: Access rules
package x

# METADATA
# title: Writers
# authors:
# - Jane Doe <jane@example.com>
write := rego.metadata.rule()

chain := rego.metadata.chain()
`);
  assert.deepEqual(p.evaluate('data.x.write'), {
    title: 'Writers',
    authors: [{ name: 'Jane Doe', email: 'jane@example.com' }],
    scope: 'rule',
  });
  assert.deepEqual(p.evaluate('data.x.chain'), [
    { path: ['x', 'chain'] },
    { path: ['x'], annotations: { description: 'Access rules', scope: 'package' } },
  ]);
});

test('rego.parse_module returns the AST as OPA-style JSON', () => {
  const p = compile('package x\nm := rego.parse_module("m.rego", "package a.b\\nimport data.c\\np if c.d")');
  const m = p.evaluate('data.x.m') as { package: { path: Array<{ value: string }> }; imports: unknown[] };
  assert.deepEqual(
    m.package.path.map((t) => t.value),
    ['data', 'a', 'b'],
  );
  assert.equal(m.imports.length, 1);
});
