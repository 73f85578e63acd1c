import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goSprintf, type GoArg } from '../src/kernels/go-fmt.js';

const s = (value: string): GoArg => ({ kind: 'string', value });
const i = (value: bigint): GoArg => ({ kind: 'int', value });
const f = (value: number): GoArg => ({ kind: 'float', value });

test('go fmt verbs', () => {
  assert.equal(goSprintf('hi %.2f', [f(3.1415)]), 'hi 3.14');
  assert.equal(goSprintf('hi %02X.%02X', [i(127n), i(1n)]), 'hi 7F.01');
  assert.equal(goSprintf('hi %02d', [i(5n)]), 'hi 05');
  assert.equal(goSprintf('%v %v %v %v', [f(1e6), f(100000), f(1e-5), f(3.14)]), '1e+06 100000 1e-05 3.14');
  assert.equal(goSprintf('%v', [f(1234567.5)]), '1.2345675e+06');
  assert.equal(goSprintf('%d', [f(3.14)]), '%!d(float64=3.14)');
  assert.equal(goSprintf('%s', [i(5n)]), '%!s(int64=5)');
  assert.equal(goSprintf('%s', [i(123456789123456789123n)]), '123456789123456789123');
  assert.equal(goSprintf('%d %d', [i(1n)]), '1 %!d(MISSING)');
  assert.equal(goSprintf('%d', [i(1n), i(5n)]), '1%!(EXTRA int64=5)');
  assert.equal(goSprintf('%q %x %T %%', [s('a"b'), s('hi'), f(1)]), '"a\\"b" 6869 float64 %');
  assert.equal(goSprintf('%-5s|%5s', [s('ab'), s('cd')]), 'ab   |   cd');
  assert.equal(
    goSprintf('%e %g %.3g', [f(1234.5678), f(0.0001), f(1234.5678)]),
    '1.234568e+03 0.0001 1.23e+03',
  );
});
