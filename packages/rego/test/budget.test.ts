// Pathological policies end at the budget with a typed error: no hang, no stack overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, RegoEvalError } from '../src/index.js';

function isCancel(e: unknown): boolean {
  return e instanceof RegoEvalError && e.code === 'eval_cancel_error';
}

test('huge comprehension stops at the step budget', () => {
  const p = compile(`package p
n := 100000
big := count([[x, y] | some x in numbers.range(1, n); some y in numbers.range(1, n)])
`);
  const t0 = Date.now();
  assert.throws(() => p.evaluate('data.p.big', { maxSteps: 200_000 }), isCancel);
  assert.ok(Date.now() - t0 < 5000);
});

test('huge comprehension stops at the time budget', () => {
  const p = compile(`package p
big := count({[x, y, z] | some x in numbers.range(1, 1000); some y in numbers.range(1, 1000); some z in numbers.range(1, 1000)})
`);
  const t0 = Date.now();
  assert.throws(() => p.evaluate('data.p.big', { timeoutMs: 100 }), isCancel);
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
});

test('deep chain of function calls ends in eval_cancel_error, not a stack overflow', () => {
  const n = 20_000;
  const lines = ['package p'];
  for (let i = 0; i < n; i++) lines.push(`f${i}(x) := f${i + 1}(x + 1)`);
  lines.push(`f${n}(x) := x`);
  lines.push('r := f0(0)');
  const p = compile(lines.join('\n'));
  assert.throws(() => p.evaluate('data.p.r'), isCancel);
});

test('recursion through dynamic data references is rejected at compile time, as in OPA', () => {
  // A variable segment may reach any rule below it (OPA's GetRulesDynamic), q included.
  assert.throws(
    () => compile('package p\nnames := ["q"]\nq if {\n  some name in names\n  data.p[name]\n}\n'),
    (e: Error & { code?: string }) => e.code === 'rego_recursion_error',
  );
});

test('static recursion through functions is rejected at compile time', () => {
  assert.throws(
    () => compile('package p\nf(x) := g(x)\ng(x) := f(x)\nr := f(1)'),
    (e: Error & { code?: string }) => e.code === 'rego_recursion_error',
  );
});

test('the engine is usable after a cancelled evaluation', () => {
  const p = compile('package p\nbig := count([x | some x in numbers.range(1, 1000000)])\nsmall := 1');
  assert.throws(() => p.evaluate('data.p.big', { maxSteps: 1000 }), isCancel);
  assert.equal(p.evaluate('data.p.small'), 1);
});
