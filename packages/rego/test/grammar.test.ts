// The language the parser accepts, production by production as OPA's parser (v1/ast/parser.go)
// defines it. Expected values follow OPA's parser tests and documented semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, RegoParseError, type JsonValue } from '../src/index.js';

function evalRule(source: string, rule: string, version: 'v0' | 'v1' = 'v1', input?: unknown): unknown {
  return compile([{ name: 'p.rego', source }], { regoVersion: version }).evaluate(`data.p.${rule}`, {
    input,
  });
}

function parseFails(source: string, version: 'v0' | 'v1' = 'v1'): string {
  try {
    compile([{ name: 'p.rego', source }], { regoVersion: version });
  } catch (e) {
    assert.ok(e instanceof RegoParseError, `expected a parse error, got ${String(e)}`);
    return e.detail;
  }
  assert.fail(`expected a parse error for:\n${source}`);
}

test('key-value membership is an expression wherever a term may be, except as a list item', () => {
  const src = `package p
paren := ("a", 1 in {"a": 1})
negated if not "a", 2 in {"a": 1}
assigned := x if { x := "b", 2 in {"b": 2} }
in_with if { "k", 1 in input with input as {"k": 1} }
array := [1, 2 in [2]]
set := {1, 2 in [2]}
args := concat(",", ["a", "b" in ["b"]])
ref_key := {true: "yes"}["a", 1 in {"a": 1}]
`;
  const p = compile(src);
  const all = p.evaluate('data.p') as Record<string, JsonValue>;
  assert.equal(all.paren, true);
  assert.equal(all.negated, true);
  assert.equal(all.assigned, true);
  assert.equal(all.in_with, true);
  // In arrays, sets and call arguments the comma separates items: `2 in [2]` is one item.
  assert.deepEqual(all.array, [1, true]);
  assert.deepEqual(all.set, [true, 1]);
  assert.equal(all.args, undefined); // concat of a non-string item is undefined
  assert.equal(all.ref_key, 'yes');
});

test('some … in takes any term pattern for key and value', () => {
  const src = `package p
pairs contains [a, b] if some [a, b] in [[1, 2], [3, 4]]
keyed contains [k, a] if some k, [a, _] in {"x": [1, 2], "y": [3, 4]}
ground if some 3 in [1, 3]
no_ground if some 5 in [1, 3]
names contains n if some {"name": n} in input.users
key_const contains v if some "y", v in {"x": 1, "y": 2}
`;
  const p = compile(src);
  const input = { users: [{ name: 'a' }, { name: 'b', age: 1 }] };
  assert.deepEqual(p.evaluate('data.p.pairs'), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(p.evaluate('data.p.keyed'), [
    ['x', 1],
    ['y', 3],
  ]);
  assert.equal(p.evaluate('data.p.ground'), true);
  assert.equal(p.evaluate('data.p.no_ground'), undefined);
  // Object patterns unify only with objects of the same keys.
  assert.deepEqual(p.evaluate('data.p.names', { input }), ['a']);
  assert.deepEqual(p.evaluate('data.p.key_const'), [2]);
  assert.match(parseFails('package p\nx if some f(1)\n'), /expected `x in xs` or `x, y in xs` expression/);
});

test('after `if`, a literal is tried before a block: objects and comprehensions are terms', () => {
  const src = `package p
compr if {k: v | some k, v in input.nothing}
obj if {"a": 1}
empty if {}
block if { input.x == 1 }
set_is_block if { input.x }
`;
  const p = compile(src);
  assert.equal(p.evaluate('data.p.compr'), true);
  assert.equal(p.evaluate('data.p.obj'), true);
  assert.equal(p.evaluate('data.p.empty'), true);
  assert.equal(p.evaluate('data.p.block', { input: { x: 1 } }), true);
  assert.equal(p.evaluate('data.p.block', { input: { x: 2 } }), undefined);
  assert.equal(p.evaluate('data.p.set_is_block', { input: { x: false } }), undefined);
});

test('`|` after the first item is a comprehension only when its body parses', () => {
  const src = `package p
a := [x | x := 1]
b := [s|t, {3}] if { s := {1}; t := {2} }
c := {s|t, {3}} if { s := {1}; t := {2} }
d := {1: s|t,} if { s := {1}; t := {2} }
e := {1: s|t} if { s := {1}; t := {2} }
`;
  const p = compile(src);
  assert.deepEqual(p.evaluate('data.p.a'), [1]);
  assert.deepEqual(p.evaluate('data.p.b'), [[1, 2], [3]]);
  assert.deepEqual(p.evaluate('data.p.c'), [[1, 2], [3]]);
  assert.deepEqual(p.evaluate('data.p.d'), { '1': [1, 2] });
  // Without the trailing comma `t` parses as the body of an object comprehension.
  assert.deepEqual(p.evaluate('data.p.e'), { '1': [1] });
});

test('an infix operator continues an expression on the next line; refs do not', () => {
  const src = `package p
sum := x if {
  x := 1
    + 2
}
two_literals if {
  x := [1]
  [y] = x
  y == 1
}
`;
  assert.equal(evalRule(src, 'sum'), 3);
  assert.equal(evalRule(src, 'two_literals'), true);
  assert.equal(
    evalRule('package p\nsome_vars if { some a, b,\n c; a = 1; b = a; c = b }', 'some_vars'),
    true,
  );
});

test('rule heads: v0 shorthand rules, ref heads, calls on results, keywords before a dot', () => {
  // v0 with `import future.keywords.if`: `p[x]` without `if` is still a partial set.
  const v0 = `package p
import future.keywords.if
teams[lower(input.teams[_])]
single[x] if x := "a"
foo.one
f(x)
`;
  const p = compile([{ name: 'p.rego', source: v0 }], { regoVersion: 'v0' });
  assert.deepEqual(p.evaluate('data.p.teams', { input: { teams: ['A', 'B'] } }), ['a', 'b']);
  assert.deepEqual(p.evaluate('data.p.single'), { a: true });
  assert.deepEqual(p.evaluate('data.p.foo'), ['one']);
  assert.deepEqual(p.query('data.p.f(1, x)'), [{ x: true }]);
  const v1 = `package p
default.foo := 1
contains.bar := 2
q := object.get({"a": {"b": 3}}, "a", {}).b
r := [f(1)[0], f(2).k] if true
f(x) := [x, x] if x == 1
f(x) := {"k": x} if x == 2
`;
  const q = compile(v1);
  assert.equal(q.evaluate('data.p.default.foo'), 1);
  assert.equal(q.evaluate('data.p.contains.bar'), 2);
  assert.equal(q.evaluate('data.p.q'), 3);
  assert.deepEqual(q.evaluate('data.p.r'), [1, 2]);
});

test('rule forms OPA rejects', () => {
  assert.match(parseFails('package p\np\n'), /var cannot be used for rule name/);
  assert.match(parseFails('package p\np.q.r\n'), /rule must have value assignment and\/or body declaration/);
  assert.match(parseFails('package p\nf()\n'), /rule argument list must take at least one argument/);
  assert.match(parseFails('package p\np[x]\n'), /`contains` keyword is required for partial set rules/);
  assert.match(parseFails('package p\np { }\n', 'v0'), /found empty body/);
  assert.match(parseFails('package p\np { true; }\n', 'v0'), /unexpected } token/);
  assert.match(
    parseFails('package p\np[x] := 1 if { x := 1 } else := 2\n'),
    /else keyword cannot be used on rules with variables in head/,
  );
  assert.match(
    parseFails('package p\np contains 1 if { true } else := 2\n'),
    /else keyword cannot be used on multi-value rules/,
  );
  assert.match(parseFails('package p\nx if not some y in [1]\n'), /illegal negation of 'some'/);
  assert.match(
    parseFails('package p\nx if { every 1 in [1] { true } }\n'),
    /expected value to be a variable/,
  );
  assert.match(parseFails('package p\nx := "a"[0]\n'), /illegal ref \(head cannot be string\)/);
});

test('default values are constants; default function arguments are distinct vars', () => {
  assert.match(
    parseFails('package p\ndefault x := input.y\n'),
    /illegal default rule \(value cannot contain ref\)/,
  );
  assert.match(
    parseFails('package p\ndefault x := count([])\n'),
    /illegal default rule \(value cannot contain call\)/,
  );
  assert.match(
    parseFails('package p\ndefault x := [y]\n'),
    /illegal default rule \(value cannot contain var\)/,
  );
  assert.match(parseFails('package p\ndefault f(1) := 1\n'), /arguments cannot contain number/);
  assert.match(parseFails('package p\ndefault f(x, x) := 1\n'), /arguments cannot be repeated x/);
  assert.match(parseFails('package p\ndefault p[0]\n'), /illegal default rule \(must have a value\)/);
  // Closures are allowed (OPA skips them), and `default a` means `default a := true`.
  assert.deepEqual(evalRule('package p\ndefault a := [x | x := 1]\n', 'a'), [1]);
  assert.equal(evalRule('package p\ndefault a\n', 'a', 'v0'), true);
});

test('`import rego.v1` makes a v0 module follow v1 rules', () => {
  const ok = 'package p\nimport rego.v1\nq contains x if { some x in [1, 2] }\n';
  assert.deepEqual(evalRule(ok, 'q', 'v0'), [1, 2]);
  assert.match(parseFails('package p\nimport rego.v1\nq[x] { x := 1 }\n', 'v0'), /`if` keyword is required/);
  assert.match(parseFails('package p\nimport rego.v1 as v\n', 'v0'), /`rego` imports cannot be aliased/);
  assert.match(parseFails('package p\nimport rego.v2\n', 'v0'), /must be `rego.v1`/);
});

test('a byte-order mark and CRLF line ends are whitespace', () => {
  assert.equal(evalRule('\ufeffpackage p\r\nx := 1\r\ny if {\r\n  x == 1\r\n}\r\n', 'y'), true);
});
