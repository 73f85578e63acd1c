import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, toJSON, SetValue, type ObjectValue, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): unknown => {
  const r = getBuiltin(name)!.fn(args.map(fromJS), ctx);
  return r === undefined ? undefined : toJSON(r as Value);
};

test('objects and JSON paths', () => {
  assert.deepEqual(call('object.union_n', [{ a: { b: 2 } }, { a: 4 }, { a: { c: 3 } }]), { a: { c: 3 } });
  assert.deepEqual(call('object.union', { a: { b: 1, c: 2 } }, { a: { b: 3 } }), { a: { b: 3, c: 2 } });
  assert.deepEqual(call('object.get', { a: { b: [{ c: 1 }] } }, ['a', 'b', 0, 'c'], 2), 1);
  assert.deepEqual(call('json.filter', { a: { b: 1, c: 2 }, d: [1, { e: 3, f: 4 }] }, ['a/b', 'd/1/e']), {
    a: { b: 1 },
    d: [{ e: 3 }],
  });
  assert.deepEqual(call('json.remove', { a: { b: 1, c: 2 }, d: [1, 2] }, ['a/b', ['d', '0']]), {
    a: { c: 2 },
    d: [2],
  });
  assert.deepEqual(call('json.patch', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]), { a: [1, 2] });
  assert.equal(call('json.patch', [1, 2, 3], [{ op: 'add', path: '1.2', value: 'foo' }]), undefined);
  assert.equal(call('object.subset', [1, 2, 3, 4], [2, 3]), true);
  assert.equal(call('object.subset', [1, 2, 3, 4], [2, 4]), false);
});

test('arrays, numbers, bits', () => {
  assert.deepEqual(call('array.slice', [1, 2, 3], -1, 2), [1, 2]);
  assert.deepEqual(call('numbers.range_step', 10, 3, 2), [10, 8, 6, 4]);
  assert.equal(
    String(getBuiltin('bits.lsh')!.fn([fromJS(9223372036854775807n), 1], ctx)),
    '18446744073709551614',
  );
  assert.throws(() => call('to_number', 'inf'), /must be valid number string/);
  assert.throws(() => call('to_number', 'broken'), /invalid syntax/);
  assert.equal(call('to_number', '-42.0'), -42);
  assert.deepEqual(call('graph.reachable', { a: ['b'], b: ['c'], c: [], d: ['a'] }, ['a']), ['a', 'b', 'c']);
  const w = getBuiltin('walk')!.fn([fromJS({ a: [1] })], ctx) as Value[];
  assert.equal(w.length, 3);
  assert.ok(getBuiltin('union')!.fn([SetValue.from([SetValue.from([1]), SetValue.from([2])])], ctx));
});

test('uuid.parse', () => {
  const parsed = getBuiltin('uuid.parse')!.fn(['000003e8-48b9-21ee-b200-325096b39f47'], ctx) as ObjectValue;
  assert.equal(String(parsed.get('time')), '1693566990121469600');
  assert.deepEqual(call('object.remove', toJSON(parsed), ['time']), {
    clocksequence: 12800,
    domain: 'Person',
    id: 1000,
    macvariables: 'local:unicast',
    nodeid: '32-50-96-b3-9f-47',
    variant: 'RFC4122',
    version: 2,
  });
});
