import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PikeRegExp, needsLinearEngine } from '../src/kernels/regex/pike-vm.js';
import { translateRe2, findAll } from '../src/kernels/regex/re2.js';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';

const PATTERNS = [
  'a.',
  '^a.',
  '.$',
  '(a|ab)(c|bcd)(d*)',
  'a*?b',
  '(a+)(b+)?',
  'x*',
  '(?i)hello',
  '[^aouiye]([aouiye])([^aouiye])?',
  '\\bfoo\\b',
  '(?m)^b$',
  '(?s)a.b',
  'a{2,3}',
  'a{2,}?',
  '(?P<first>\\w+) (?P<last>\\w+)',
  '(a*)*',
  '(a|b)*c',
  '\\d+\\.\\d*',
  '😀+',
  '[[:alpha:]]+',
  '\\pL+',
  '(?U)a+',
  '',
  '^$',
  '(ab|a)(bc|c)?',
];
const INPUTS = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'aab',
  'paranormal',
  'hello HELLO',
  'foo bar foo',
  'a\nb\nc',
  'a\nb',
  'aaa',
  'aaaaab',
  'somestri',
  'John Smith',
  'abababc',
  '3.14 and 42.',
  'ÄÖü',
  'abcbcd',
  '  ',
  'xaxbx',
];

// Deterministic PRNG for the generated cases.
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

test('Pike VM agrees with JS RegExp (leftmost-first, captures)', () => {
  const extra: string[] = [];
  const atoms = ['a', 'b', '.', '[ab]', '(a|b)', '(ab)', 'a?', '(a|)'];
  for (let k = 0; k < 60; k++) {
    let p = '';
    const len = 1 + rnd(4);
    for (let j = 0; j < len; j++)
      p += atoms[rnd(atoms.length)]! + ['', '*', '+', '?', '*?', '{1,2}'][rnd(6)]!;
    extra.push(p);
  }
  for (const pattern of [...PATTERNS, ...extra]) {
    const t = translateRe2(pattern);
    const js = new RegExp(t.source, 'gu');
    const vm = new PikeRegExp(t.source);
    for (const s of [...INPUTS, 'abba', 'aabbab', 'bab']) {
      const a = findAll(js, s, -1).map((m) => [m.index, ...m]);
      const b = findAll(vm, s, -1).map((m) => [m.index, ...m]);
      assert.deepEqual(b, a, `${pattern} on ${JSON.stringify(s)}`);
    }
  }
});

test('Pike VM matches by code point', () => {
  // JS RegExp reports empty matches inside surrogate pairs (e.g. `^$`); RE2 and the VM do not.
  for (const pattern of ['😀+', '.', 'x.', '[^x]']) {
    const t = translateRe2(pattern);
    const s = '😀😀x😀';
    const a = findAll(new RegExp(t.source, 'gu'), s, -1).map((m) => [m.index, ...m]);
    const b = findAll(new PikeRegExp(t.source), s, -1).map((m) => [m.index, ...m]);
    assert.deepEqual(b, a, pattern);
  }
  assert.deepEqual(findAll(new PikeRegExp(translateRe2('^$').source), '😀😀x😀', -1), []);
});

test('nested repetition runs in linear time', () => {
  assert.equal(needsLinearEngine(translateRe2('(a+)+$').source), true);
  assert.equal(needsLinearEngine(translateRe2('^[a-z]+\\[[0-9]+\\]$').source), false);
  const t0 = performance.now();
  const r = getBuiltin('regex.match')!.fn(['(a+)+$', 'a'.repeat(5000) + '!'], ctx);
  assert.equal(r, false);
  assert.equal(getBuiltin('regex.match')!.fn(['^(a|aa)+$', 'a'.repeat(3000)], ctx), true);
  assert.ok(performance.now() - t0 < 2000);
});
