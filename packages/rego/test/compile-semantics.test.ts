// Compile-time semantics that follow OPA's compiler (v1/ast/compile.go) and its tests: what is
// recursion, which names may shadow input/data, scoping of declarations, zero-argument
// functions, and the parts of a negated expression evaluated before the negation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, RegoCompileError, type CompileOptions } from '../src/index.js';

function compileError(source: string, options: CompileOptions = {}): RegoCompileError {
  try {
    compile([{ name: 'p.rego', source }], options);
  } catch (e) {
    assert.ok(e instanceof RegoCompileError, `expected a compile error, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected a compile error for:\n${source}`);
}

test('recursion follows the refs a rule reads, not the prefixes of them', () => {
  // Siblings under a common prefix, and a package that imports itself.
  const p = compile(`package spacelift
import data.spacelift
a.b := 1
a.c := a.b + 1
total := spacelift.a.c + spacelift.d
d := 3
`);
  assert.equal(p.evaluate('data.spacelift.a.c'), 2);
  assert.equal(p.evaluate('data.spacelift.total'), 5);
  // Ref heads: a rule below another rule's path is not part of it.
  const q = compile(`package p
x[k] := 1 if some k in ["a"]
x.b := v if v := x.a
y := x.a + 1
`);
  assert.equal(q.evaluate('data.p.y'), 2);
  // Reading a key of an object rule evaluates only what that key needs, as OPA does, so
  // x.b may read its sibling x.a.
  assert.deepEqual(q.evaluate('data.p.x'), { a: 1, b: 1 });
  // Real recursion is still found: direct, through the package's extent, and through a
  // variable segment (which may reach any rule below it).
  for (const src of [
    'package p\np := q\nq := p\n',
    'package p\nx := data.p\n',
    'package p\nx := data\n',
    'package p\nq if { some n in ["q"]; data.p[n] }\n',
  ]) {
    assert.equal(compileError(src).code, 'rego_recursion_error', src);
  }
});

test('input and data may be shadowed by local variables only in v0 modules outside strict mode', () => {
  const v0 = `package p
allow {
  input := {"user": "alice"}
  data := 1
  admin with input as input
}
admin { input.user == "alice" }
`;
  const p = compile([{ name: 'p.rego', source: v0 }], { regoVersion: 'v0' });
  assert.equal(p.evaluate('data.p.allow'), true);
  const strict = compileError(v0, { regoVersion: 'v0', strict: true });
  assert.match(strict.message, /variables must not shadow input/);
  const v1 = 'package p\nallow if {\n  input := 1\n  input == 1\n}\n';
  assert.match(compileError(v1).message, /variables must not shadow input/);
  // A v0 module importing rego.v1 follows v1's checks.
  assert.match(
    compileError(`package p\nimport rego.v1\n${v1.slice(10)}`, { regoVersion: 'v0' }).message,
    /variables must not shadow input/,
  );
  // Function arguments never may (OPA rewriteLocalArgVars).
  assert.match(compileError('package p\nf(input) := 1\n').message, /args must not shadow input/);
});

test('duplicate imports and deprecated builtins are errors in v1 and strict mode only', () => {
  const dup = 'package p\nimport data.a.b\nimport data.c.b\nx := 1\n';
  assert.match(compileError(dup).message, /import must not shadow import data\.a\.b/);
  assert.doesNotThrow(() => compile(dup, { regoVersion: 'v0' }));
  assert.match(compileError(dup, { regoVersion: 'v0', strict: true }).message, /import must not shadow/);
  const deprecated = 'package p\nx := any([true])\n';
  assert.doesNotThrow(() => compile(deprecated, { regoVersion: 'v0' }));
  assert.match(
    compileError(deprecated, { regoVersion: 'v0', strict: true }).message,
    /deprecated built-in function calls in expression: any/,
  );
});

test('a function of no arguments named without parentheses evaluates to its value', () => {
  const p = compile(
    [
      {
        name: 'p.rego',
        source: `package p
fixture() = {"kind": "Pod"}
uses := fixture.kind
called := fixture()
`,
      },
    ],
    { regoVersion: 'v0' },
  );
  assert.equal(p.evaluate('data.p.uses'), 'Pod');
  assert.deepEqual(p.evaluate('data.p.called'), { kind: 'Pod' });
  assert.deepEqual((p.evaluate('data.p') as Record<string, unknown>).fixture, { kind: 'Pod' });
});

test('some declares where it appears: a closure before it keeps its own variable', () => {
  const p = compile(`package p
later_some := xs if {
  xs := [path | walk({"a": 1}, [path, value]); value == 1]
  some path in ["x"]
}
later_assign := xs if {
  xs := [path | walk({"a": 1}, [path, value]); value == 1]
  path := "x"
}
earlier_assign := xs if {
  path := "x"
  xs := [path | walk({"a": 1}, [path, value]); value == 1]
}
`);
  assert.deepEqual(p.evaluate('data.p.later_some'), [['a']]);
  assert.deepEqual(p.evaluate('data.p.later_assign'), [['a']]);
  // Declared before the comprehension, `path` is the outer variable ("x"), which no path equals.
  assert.deepEqual(p.evaluate('data.p.earlier_assign'), []);
});

test('a comprehension head with refs or calls is computed by its body (OPA RewriteComprehensionTerms)', () => {
  // The head ref binds i by iterating, so the body may use i (kubescape's regolibrary does).
  const p = compile(`package p
annotations := {"xa": 1, "yb": 2}
picked := [annotations[i] | annotation = i; startswith(annotation, "x")]
counts := {k: count(v) | some k, v in {"a": [1], "b": []}}
`);
  assert.deepEqual(p.evaluate('data.p.picked'), [1]);
  assert.deepEqual(p.evaluate('data.p.counts'), { a: 1, b: 0 });
});

test('negation: call arguments and nested calls are evaluated before the `not` (OPA #1877)', () => {
  const p = compile(`package p
ref_arg if not is_null(input.missing)
nested_call if not count(input.missing) > 0
comparison_arg if not input.missing > 1
function_arg if not f(input.missing)
ref_key if not {"a": true}[input.missing]
equality if not input.missing == 1
bare_ref if not input.missing
local_arg if { some x in [1]; not is_null(x) }
defined_arg if not is_null(input.present)
f(x) if x == 1
`);
  const out = p.evaluate('data.p', { input: { present: 1 } }) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ['bare_ref', 'defined_arg', 'equality', 'local_arg']);
});

test('strict mode: unused imports, assignments and arguments (OPA strict-mode checks)', () => {
  const src = `package p
import data.used
import data.unused.thing as alias
import future.keywords
f(x, y) := x
g(_) := 1
h(a) := 1 if { a > 0 } else := 2
assigned if { x := 1; y := 2; y > 0 }
in_compr := [z | z := 1; w := 2]
ok := used.value
`;
  assert.doesNotThrow(() => compile([{ name: 'p.rego', source: src }], { regoVersion: 'v0' }));
  const e = compileError(src, { regoVersion: 'v0', strict: true });
  assert.deepEqual(e.errors.map((x) => `${x.line}: ${x.message}`).sort(), [
    '3: import data.unused.thing as alias unused',
    '5: unused argument y. (hint: use _ (wildcard variable) instead)',
    '8: assigned var x unused',
    '9: assigned var w unused',
  ]);
});

test('strict mode: like OPA, a scope is not checked around a nested scope that reported', () => {
  // OPA's TestCompilerCheckUnusedAssignedVar, "nested set comprehension and unused inner var".
  const e = compileError('package p\np if {\n  y := {a | a := 1; b := 2}\n}\n', { strict: true });
  assert.deepEqual(
    e.errors.map((x) => x.message),
    ['assigned var b unused'],
  );
  // Declaration errors stop the unused checks of the definition.
  const shadow = compileError('package p\np {\n  input := 1\n}\n', { regoVersion: 'v0', strict: true });
  assert.deepEqual(
    shadow.errors.map((x) => x.message),
    ['variables must not shadow input (use a different variable name)'],
  );
});

test('a `some` variable that is never used is an error in every mode (OPA checkUnusedDeclaredVars)', () => {
  const e = compileError('package p\nq if {\n  some u\n  true\n}\n');
  assert.equal(e.errors[0]!.message, 'declared var u unused');
  assert.equal(e.errors[0]!.line, 3);
  assert.doesNotThrow(() =>
    compile('package p\nq contains u if { some u; u = 1 }\nr contains k if { some k, _ in {"a": 1} }\n'),
  );
});
