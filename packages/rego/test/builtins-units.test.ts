import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseUnits } from '../src/kernels/units.js';
import { compareSemver, parseSemver } from '../src/kernels/semver.js';

test('units.parse is exact', () => {
  assert.equal(parseUnits('10Ei'), '11529215046068469760');
  assert.equal(parseUnits('"100TI"'), '109951162777600');
  assert.equal(parseUnits('1.1Ki'), '1126.4000000000');
  assert.equal(parseUnits('-3.5E2m'), '-0.3500000000');
  assert.equal(parseUnits('2.5e3K'), '2500000');
  assert.equal(parseUnits('5E'), '5000000000000000000');
  assert.equal(parseUnits('.0'), '0');
  assert.throws(() => parseUnits('G'), /no amount provided/);
  assert.throws(() => parseUnits('0.0.0'), /could not parse amount/);
  assert.throws(() => parseUnits('100 k'), /spaces/);
  assert.throws(() => parseUnits('1kb'), /unit kb not recognized/);
});

test('units.parse_bytes truncates', () => {
  assert.equal(parseBytes('4.1Mi'), 4299161n);
  assert.equal(parseBytes('1KiB'), 1024n);
  assert.equal(parseBytes('8kb'), 8000n);
  assert.throws(() => parseBytes('GB'), /no byte amount provided/);
  assert.throws(() => parseBytes('.5.2'), /could not parse byte amount/);
});

test('semver', () => {
  const c = (a: string, b: string): number => compareSemver(parseSemver(a)!, parseSemver(b)!);
  assert.equal(c('1.0.0', '2.0.0'), -1);
  assert.equal(c('1.0.0-alpha', '1.0.0'), -1);
  assert.equal(c('1.0.0-alpha.1', '1.0.0-alpha.beta'), -1);
  assert.equal(c('1.0.0+build', '1.0.0'), 0);
  assert.equal(parseSemver('1'), undefined);
  assert.notEqual(parseSemver('v1.2.3'), undefined);
});
