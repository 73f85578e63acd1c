import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, toJSON, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): unknown =>
  toJSON(getBuiltin(name)!.fn(args.map(fromJS), ctx) as Value);

test('cidr contains/intersects', () => {
  assert.equal(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/24'), true);
  assert.equal(call('net.cidr_contains', '172.17.0.0/24', '172.17.0.0/16'), false);
  assert.equal(call('net.cidr_contains', '2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40'), true);
  assert.equal(call('net.cidr_contains', '10.0.0.0/8', '::ffff:10.1.2.3'), true);
  assert.throws(() => call('net.cidr_contains', 'not-a-cidr', '1.2.3.4'));
  assert.equal(call('net.cidr_intersects', '192.168.1.0/25', '192.168.1.64/26'), true);
  assert.equal(call('net.cidr_is_valid', '10.0.0.01/8'), false);
  assert.deepEqual(call('net.cidr_expand', '192.168.1.0/31'), ['192.168.1.0', '192.168.1.1']);
  assert.deepEqual(call('net.cidr_contains_matches', ['1.1.2.0/24', '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1']), [
    [0, 1],
    [1, 0],
  ]);
});

test('cidr_merge', () => {
  assert.deepEqual(call('net.cidr_merge', ['192.0.2.112/31', '192.0.2.116/31', '192.0.2.118/31']), [
    '192.0.2.112/31',
    '192.0.2.116/30',
  ]);
  assert.deepEqual(
    call('net.cidr_merge', [
      '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64',
      '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128',
    ]),
    ['2601:600:8a80:207e::/64'],
  );
  assert.deepEqual(
    call('net.cidr_merge', ['fe80::/120', '192.0.2.0/24', '192.0.3.0/24', '192.0.4.0/25', '192.0.4.128/25']),
    ['192.0.2.0/23', '192.0.4.0/24', 'fe80::/120'],
  );
  assert.deepEqual(call('net.cidr_merge', ['192.0.2.112', '192.0.2.116/31', '192.0.2.118/31']), [
    '192.0.2.0/24',
  ]);
  assert.deepEqual(call('net.cidr_merge', ['::/0', '::192.0.2.0/124', 'ff00::101/128']), ['::/0']);
  assert.throws(() => call('net.cidr_merge', ['2601:600::1']), /needs prefix length/);
});
