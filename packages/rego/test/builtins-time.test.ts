import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDate,
  diff,
  fields,
  formatTime,
  fromUnixNano,
  loadZone,
  NAMED_LAYOUTS,
  parseDuration,
  parseTime,
  toUnixNano,
} from '../src/kernels/go-time.js';

const parseNs = (layout: string, value: string): bigint => toUnixNano(parseTime(layout, value));

test('parses Go layouts', () => {
  assert.equal(parseNs(NAMED_LAYOUTS.RFC3339!, '2017-06-02T19:00:00-07:00'), 1496455200000000000n);
  assert.equal(parseNs(NAMED_LAYOUTS.RFC3339!, '1677-09-21T00:12:43.145224192-00:00'), -9223372036854775808n);
  assert.equal(parseNs(NAMED_LAYOUTS.RFC3339!, '2262-04-11T23:47:16.854775807-00:00'), 9223372036854775807n);
  assert.throws(
    () => parseNs(NAMED_LAYOUTS.RFC3339!, '2262-04-11T23:47:16.854775808-00:00'),
    /outside of valid range/,
  );
  assert.equal(parseNs("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700"), 1496455200000000000n);
  assert.equal(parseNs('02 Jan 06 15:04 -0700', '02 Jun 17 19:00 -0700'), 1496455200000000000n);
  assert.equal(parseNs('2006-01-02', '2020-02-02'), 1580601600000000000n);
  assert.throws(() => parseNs('2006-01-02', '2020-02-30'), /day out of range/);
  assert.throws(() => parseNs(NAMED_LAYOUTS.RFC3339!, '2020-02-02t00:00:00Z'), /cannot parse/);
});

test('formats Go layouts in zones', () => {
  const t = fromUnixNano(1670006453141828752n);
  assert.equal(formatTime(t, NAMED_LAYOUTS.RFC3339Nano!), '2022-12-02T18:40:53.141828752Z');
  const k = fromUnixNano(1670006453141828752n, loadZone('Asia/Kolkata'));
  assert.equal(formatTime(k, NAMED_LAYOUTS.RFC3339Nano!), '2022-12-03T00:10:53.141828752+05:30');
  assert.equal(formatTime(k, 'Mon Jan 02 15:04:05 -0700 2006'), 'Sat Dec 03 00:10:53 +0530 2022');
  assert.equal(formatTime(k, NAMED_LAYOUTS.RFC1123Z!), 'Sat, 03 Dec 2022 00:10:53 +0530');
  assert.equal(formatTime(t, '3:04PM .000 ,99 _2 __2 002'), '6:40PM .141 ,14  2 336 336');
});

test('calendar fields, add_date and diff', () => {
  const f = fields(fromUnixNano(1517814000000000000n, loadZone('America/Los_Angeles')));
  assert.deepEqual([f.year, f.month, f.day, f.hour], [2018, 2, 4, 23]);
  assert.equal(toUnixNano(addDate(fromUnixNano(1585852421593912000n), 3, 9, 12)), 1705257221593912000n);
  const d = (a: string, b: string): number[] => diff(parseTime('2006-01-02', a), parseTime('2006-01-02', b));
  assert.deepEqual(d('2020-02-02', '2020-03-01'), [0, 0, 28, 0, 0, 0]);
  assert.deepEqual(d('2021-02-02', '2021-03-01'), [0, 0, 27, 0, 0, 0]);
  assert.deepEqual(d('2004-02-29', '2005-03-01'), [1, 0, 1, 0, 0, 0]);
});

test('durations', () => {
  assert.equal(parseDuration('1h30m'), 5400000000000n);
  assert.equal(parseDuration('-1.5s'), -1500000000n);
  assert.equal(parseDuration('1µs'), 1000n);
  assert.throws(() => parseDuration('1d'), /unknown unit/);
  assert.throws(() => parseDuration(''), /invalid duration/);
});
