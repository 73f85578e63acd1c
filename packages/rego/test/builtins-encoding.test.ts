import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, toJSON, type Value } from '../src/value.js';
import { globsIntersect } from '../src/kernels/regex/glob-intersection.js';

const call = (name: string, ...args: unknown[]): unknown =>
  toJSON(getBuiltin(name)!.fn(args.map(fromJS), ctx) as Value);

test('json and yaml', () => {
  assert.equal(call('json.marshal', { b: [1, 2], a: '<x>' }), '{"a":"\\u003cx\\u003e","b":[1,2]}');
  assert.equal(
    String(getBuiltin('json.unmarshal')!.fn(['123456789012345678901234567890'], ctx)),
    '123456789012345678901234567890',
  );
  assert.equal(call('json.is_valid', '{'), false);
  assert.deepEqual(call('yaml.unmarshal', 'a: 1\nb:\n  - x\n  - {c: true}\n'), {
    a: 1,
    b: ['x', { c: true }],
  });
  assert.equal(call('yaml.is_valid', 'a: {'), false);
  assert.deepEqual(call('yaml.unmarshal', call('yaml.marshal', { k: ['a', 'yes', ''], n: null })), {
    k: ['a', 'yes', ''],
    n: null,
  });
});

test('yaml anchors, merge keys and YAML 1.1 scalars', () => {
  assert.deepEqual(call('yaml.unmarshal', 'base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3\nflag: yes\n'), {
    base: { x: 1, z: 2 },
    d: { x: 1, z: 3 },
    flag: true,
  });
  assert.deepEqual(call('yaml.unmarshal', '- &x foo\n- *x\n- !!str 10\n- 0x10\n'), ['foo', 'foo', '10', 16]);
});

test('base64, hex, urlquery', () => {
  assert.equal(call('base64url.decode', 'aGVsbG8'), 'hello');
  assert.equal(call('base64.is_valid', 'aGVsbG8'), false);
  assert.throws(() => call('hex.decode', 'zz'), /invalid byte: U\+007A 'z'/);
  assert.equal(call('urlquery.encode', 'a b&c'), 'a+b%26c');
  assert.deepEqual(call('urlquery.decode_object', 'a=1&b&a=2'), { a: ['1', '2'], b: [''] });
});

test('json schema', () => {
  const schema = { properties: { id: { type: 'integer' } }, required: ['id'] };
  assert.deepEqual(call('json.match_schema', { id: 5 }, schema), [true, []]);
  assert.deepEqual(call('json.match_schema', {}, schema), [
    false,
    [{ desc: 'id is required', error: '(root): id is required', field: '(root)', type: 'required' }],
  ]);
  assert.deepEqual(call('json.verify_schema', { type: 'nope' })?.toString().startsWith('false'), true);
});

test('regex.globs_match intersection', () => {
  assert.equal(globsIntersect('a.a.[0-9]+z', '.b.b2359825792*594823z'), true);
  assert.equal(globsIntersect('[a-z]+', '[0-9]*'), false); // + needs a letter, * offers only digits
  assert.equal(globsIntersect('[a-z]+', '[0-9]+'), false);
  assert.throws(() => globsIntersect('pqrs]', 'x'), /set-close/);
});
