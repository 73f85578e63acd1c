import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): Value | undefined =>
  getBuiltin(name)!.fn(args.map(fromJS), ctx);

test('regex builtins follow RE2/Go', () => {
  assert.equal(call('regex.match', '^[a-z]+\\[[0-9]+\\]$', 'foo[1]'), true);
  assert.equal(call('regex.match', '(?i)ABC', 'xabcx'), true);
  assert.equal(call('regex.match', 'a(?i:b)c', 'aBc'), true);
  assert.equal(call('regex.match', 'a(?i:b)c', 'aBC'), false);
  assert.throws(() => call('regex.match', '$^[[[', 'x'), /missing closing/);
  assert.equal(call('regex.is_valid', '++'), false);
  assert.equal(call('regex.is_valid', '(?=a)'), false);
  assert.equal(call('regex.is_valid', '\\pL\\p{Greek}[[:alpha:]]\\Qa.b\\E'), true);
  assert.deepEqual(call('regex.find_n', 'a.', 'paranormal', -1), ['ar', 'an', 'al']);
  assert.deepEqual(call('regex.find_n', '.$', 'abacadaeaf', -1), ['f']);
  assert.deepEqual(call('regex.find_all_string_submatch_n', 'a(x*)b', '-ab-axb-', -1), [
    ['ab', ''],
    ['axb', 'x'],
  ]);
  assert.equal(call('regex.replace', '-wy-wxxy-', 'w(x*)y', '$1W'), '---'); // $1W names group "1W"
  assert.equal(call('regex.replace', 'foo', '(foo)', '$1$1'), 'foofoo');
  assert.deepEqual(call('regex.split', 'a', 'banana'), ['b', 'n', 'n', '']);
  assert.deepEqual(call('regex.split', 'z+', 'pizza'), ['pi', 'a']);
  assert.equal(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}'), true);
  assert.throws(() => call('regex.match', '[', 'x'), /missing closing/);
});

test('glob.match', () => {
  assert.equal(call('glob.match', '*.github.com', ['.'], 'api.github.com'), true);
  assert.equal(call('glob.match', '*', [], 'foo.bar'), false);
  assert.equal(call('glob.match', '*', null, 'foo.bar'), true);
  assert.equal(call('glob.match', 'api.**.com', ['.'], 'api.cdn.github.com'), true);
  assert.equal(call('glob.match', '?at', ['f'], 'fat'), false);
  assert.equal(call('glob.match', '{cat,bat,[fr]at}', [], 'rat'), true);
  assert.equal(call('glob.match', '[!a-c]at', [], 'bat'), false);
  assert.equal(call('glob.quote_meta', '*.github.com'), '\\*.github.com');
});
