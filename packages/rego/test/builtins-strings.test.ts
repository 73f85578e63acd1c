import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): Value | undefined =>
  getBuiltin(name)!.fn(args.map(fromJS), ctx);

test('strings count code points', () => {
  assert.equal(call('indexof', 'μx', 'x'), 1);
  assert.deepEqual(call('indexof_n', '😇😀😇😀😇😀', '😀'), [1, 3, 5]);
  assert.equal(call('strings.count', 'dummy', ''), 6);
  assert.equal(call('strings.count', '11111', '11'), 2);
  assert.equal(call('substring', 'aåäö', 2, -1), 'äö');
  assert.throws(() => call('substring', 'aaa', -1, -1), /negative offset/);
  assert.equal(call('format_int', 15.9, 16), 'f');
  assert.equal(call('format_int', -15, 16), '-f');
  assert.equal(call('upper', 'ß'), 'ß');
  assert.equal(call('trim', '  xx  ', ' x'), '');
  assert.equal(call('strings.replace_n', { a: 'b', ab: 'c' }, 'abab'), 'bbbb');
  assert.equal(call('replace', 'ab', '', '-'), '-a-b-');
});

test('sprintf converts Rego values like OPA', () => {
  assert.equal(call('sprintf', 'hi %v', [['there', 5, 3.14]]), 'hi ["there", 5, 3.14]');
  assert.equal(call('sprintf', 'hi %s', [true]), 'hi true');
  assert.equal(call('sprintf', '%s/%d', ['a', 1]), 'a/1');
});
