// Go's regexp API on top of re2js: expected values are the examples of Go's regexp package
// documentation and its find_test.go table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRe2, findAll, group, replaceAll, split } from '../src/kernels/regex/re2.js';

const spans = (pattern: string, s: string, n = -1): number[][] =>
  findAll(compileRe2(pattern), s, n).map((m) => m.spans.slice(0, 2));
const strings = (pattern: string, s: string, n = -1): string[] =>
  findAll(compileRe2(pattern), s, n).map((m) => group(m, 0));

test('FindAll skips an empty match right after the previous match', () => {
  assert.deepEqual(spans('a*', 'baaab'), [
    [0, 0],
    [1, 4],
    [5, 5],
  ]);
  assert.deepEqual(strings('a.', 'paranormal'), ['ar', 'an', 'al']);
  assert.deepEqual(strings('a.', 'paranormal', 2), ['ar', 'an']);
  assert.deepEqual(strings('a.', 'graal'), ['aa']);
  assert.deepEqual(strings('a.', 'none'), []);
});

test('empty matches advance by code point, never inside a surrogate pair', () => {
  assert.deepEqual(spans('', '😀x'), [
    [0, 0],
    [2, 2],
    [3, 3],
  ]);
  assert.deepEqual(strings('.', '😀x'), ['😀', 'x']);
});

test('submatches, Split and ReplaceAllString', () => {
  const re = compileRe2('a(x*)b');
  const sub = (s: string) => findAll(re, s, -1).map((m) => [group(m, 0), group(m, 1)]);
  assert.deepEqual(sub('-axxb-ab-'), [
    ['axxb', 'xx'],
    ['ab', ''],
  ]);
  assert.equal(replaceAll(re, '-ab-axxb-', 'T'), '-T-T-');
  assert.equal(replaceAll(re, '-ab-axxb-', '$1'), '--xx-');
  assert.equal(replaceAll(re, '-ab-axxb-', '$1W'), '---');
  assert.equal(replaceAll(re, '-ab-axxb-', '${1}W'), '-W-xxW-');
  assert.equal(replaceAll(compileRe2('(?P<k>\\w+)=(?P<v>\\w+)'), 'a=b', '${v}=$k$$'), 'b=a$');
  assert.deepEqual(split(compileRe2('a'), 'banana'), ['b', 'n', 'n', '']);
  assert.deepEqual(split(compileRe2('a'), 'papaya'), ['p', 'p', 'y', '']);
  assert.deepEqual(split(compileRe2('z+'), 'pizza'), ['pi', 'a']);
  assert.deepEqual(split(compileRe2('a*'), 'abaabaccadaaae'), ['', 'b', 'b', 'c', 'c', 'd', 'e']);
});

test('Go syntax and Go errors', () => {
  assert.throws(() => compileRe2('(a{1000}){1000}'), /invalid repeat count/);
  assert.throws(() => compileRe2('(?=a)'), /invalid or unsupported Perl syntax/);
  assert.throws(() => compileRe2('a**'), /invalid nested repetition operator/);
  assert.equal(compileRe2('\\s').test('\v'), false); // Go's \s has no \v
  assert.equal(compileRe2('(?i)straße').test('STRASSE'), false);
  assert.equal(compileRe2('^\\p{Greek}+$').test('αβγ'), true);
});
