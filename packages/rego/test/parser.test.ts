// Parse and compile errors carry file, line, column and a caret snippet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, parseModule, RegoCompileError, RegoParseError } from '../src/index.js';

function parseError(source: string, version: 'v0' | 'v1' = 'v1'): RegoParseError {
  try {
    compile([{ name: 'policy.rego', source }], { regoVersion: version });
  } catch (e) {
    assert.ok(e instanceof RegoParseError, `expected RegoParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a parse error');
}

function compileError(source: string): RegoCompileError {
  try {
    compile([{ name: 'policy.rego', source }]);
  } catch (e) {
    assert.ok(e instanceof RegoCompileError, `expected RegoCompileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a compile error');
}

test('parse error: unexpected token position and caret snippet', () => {
  const e = parseError('package p\n\nallow if {\n  input.x ==\n}\n');
  assert.equal(e.code, 'rego_parse_error');
  assert.equal(e.file, 'policy.rego');
  assert.equal(e.line, 5);
  assert.equal(e.column, 1);
  assert.equal(e.snippet, '}\n^');
  assert.match(e.message, /^policy\.rego:5:1: rego_parse_error: unexpected } token/);
});

test('parse error: v1 requires if before a rule body, v0 does not', () => {
  const e = parseError('package p\n\nallow {\n  true\n}\n');
  assert.equal(e.line, 3);
  assert.equal(e.column, 7);
  assert.match(e.message, /`if` keyword is required before rule body/);
  assert.equal(e.snippet, 'allow {\n      ^');
  assert.doesNotThrow(() => compile('package p\n\nallow {\n  true\n}\n', { regoVersion: 'v0' }));
});

test('parse error: a v0 partial set in a v1 module names both missing keywords', () => {
  const e = parseError('package p\n\ndeny[msg] {\n  msg := "no"\n}\n');
  assert.equal(e.line, 3);
  assert.equal(
    e.detail,
    '`if` keyword is required before rule body; `contains` keyword is required for partial set rules (`deny contains msg if { … }`)',
  );
});

test('parse error: unterminated string points at the opening quote', () => {
  const e = parseError('package p\nallow if input.x == "abc\n');
  assert.equal(e.line, 2);
  assert.equal(e.column, 21);
  assert.match(e.message, /non-terminated string/);
});

test('parse error: missing package', () => {
  const e = parseError('allow if true\n');
  assert.equal(e.line, 1);
  assert.equal(e.column, 1);
});

test('parse error: v0 module using v1 keywords without import', () => {
  const e = parseError('package p\nallow if { true }\n', 'v0');
  assert.equal(e.line, 2);
});

test('v0 with future.keywords accepts v1 syntax', () => {
  const p = compile(
    'package p\nimport future.keywords.if\nimport future.keywords.in\nallow if { 1 in [1] }\n',
    {
      regoVersion: 'v0',
    },
  );
  assert.equal(p.evaluate('data.p.allow'), true);
});

test('compile errors: unsafe vars, redeclaration, unknown functions, recursion, conflicts', () => {
  let e = compileError('package p\nallow if { y > 1 }\n');
  assert.equal(e.code, 'rego_unsafe_var_error');
  assert.deepEqual(e.errors[0], {
    file: 'policy.rego',
    line: 2,
    column: 12,
    message: 'var y is unsafe',
    code: 'rego_unsafe_var_error',
    snippet: 'allow if { y > 1 }\n           ^',
  });
  e = compileError('package p\nallow if { x := 1; x := 2 }\n');
  assert.equal(e.errors[0]!.message, 'var x assigned above');
  e = compileError('package p\nallow if { foo(1) }\n');
  assert.equal(e.code, 'rego_type_error');
  assert.equal(e.errors[0]!.message, 'undefined function foo');
  e = compileError('package p\np if q\nq if p\n');
  assert.equal(e.code, 'rego_recursion_error');
  e = compileError('package p\np := 1\np contains 2\n');
  assert.equal(e.errors[0]!.message, 'conflicting rules data.p.p found');
  e = compileError('package p\ndefault p := 1\ndefault p := 2\n');
  assert.match(e.errors[0]!.message, /multiple default rules/);
});

test('parseModule exposes the AST', () => {
  const m = parseModule('package a.b\nimport input.x as y\np contains 1 if y', 'm.rego');
  assert.deepEqual(m.pkg, ['a', 'b']);
  assert.equal(m.imports[0]!.alias, 'y');
  assert.equal(m.rules.length, 1);
});

test('parse error: v1 keywords in a v0 module explain the import', () => {
  const e = parseError('package p\nallow if { true }\n', 'v0');
  assert.equal(e.detail, '`if` is a keyword only in Rego v1 or with `import future.keywords.if`');
  assert.equal(e.column, 7);
});

test('compile error message: first error with file:line:column and caret, then the rest', () => {
  const e = compileError(
    'package p\n\nallow if {\n\tx == 1\n}\n\ndeny if {\n  startswith_x(input.a, "b")\n}\n',
  );
  assert.equal(e.code, 'rego_unsafe_var_error');
  assert.equal(e.errors.length, 2);
  assert.equal(
    e.message,
    [
      'policy.rego:4:2: rego_unsafe_var_error: var x is unsafe',
      '\tx == 1',
      '\t^',
      'policy.rego:8:3: rego_type_error: undefined function startswith_x',
      '  startswith_x(input.a, "b")',
      '  ^',
      '(2 errors)',
    ].join('\n'),
  );
});

test('compile errors: builtins the environment disables or Liftoff does not support say so', () => {
  const disabled = (() => {
    try {
      compile('package p\nt := time.now_ns()\n', { disabledBuiltins: ['time.now_ns'] });
    } catch (e) {
      return e;
    }
    assert.fail('expected a compile error');
  })();
  assert.ok(disabled instanceof RegoCompileError);
  assert.match(
    disabled.message,
    /^policy\.rego:2:6: rego_type_error: .*time\.now_ns \(disabled in this environment\)\n/,
  );
  const e = compileError('package p\nr := http.send({"method": "GET", "url": "https://example.com"})\n');
  assert.match(e.message, /^policy\.rego:2:6: rego_type_error: unsupported built-in function http\.send: /);
  assert.ok(e.errors[0]!.snippet?.endsWith('\n     ^'));
});

test('query errors carry the query as their snippet', () => {
  const p = compile('package p\nallow := true\n');
  assert.throws(
    () => p.query('data.p.allow; z > 1'),
    (e: unknown) =>
      e instanceof RegoCompileError &&
      e.message ===
        'query:1:15: rego_unsafe_var_error: var z is unsafe\ndata.p.allow; z > 1\n              ^',
  );
});

test('absurdly nested source is a RegoParseError, and long lines are cut around the caret', () => {
  const deep = parseError('package p\nx := ' + '['.repeat(100_000) + ']'.repeat(100_000));
  assert.equal(deep.detail, 'source is nested too deeply');
  const long = compileError(`package p\nallow if { ${'input.a == 1; '.repeat(40)}zz > 1 }\n`);
  const [line, caret] = long.errors[0]!.snippet!.split('\n');
  assert.ok(line!.length <= 122, `snippet line of ${line!.length} chars`);
  assert.equal(line!.slice(caret!.length - 1, caret!.length + 1), 'zz');
});
