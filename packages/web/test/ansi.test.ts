// Terminal colours in run logs become styled segments; nothing of an escape sequence leaks into the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAnsi } from '../src/lib/ansi.js';

test('SGR bold and colours become segments; resets end them', () => {
  const segs = parseAnsi('\x1b[1mPlan:\x1b[0m \x1b[32m+\x1b[0m create \x1b[1;31m-\x1b[22m x\x1b[39m done');
  assert.deepEqual(segs, [
    { text: 'Plan:', bold: true, color: null },
    { text: ' ', bold: false, color: null },
    { text: '+', bold: false, color: 'green' },
    { text: ' create ', bold: false, color: null },
    { text: '-', bold: true, color: 'red' },
    { text: ' x', bold: false, color: 'red' },
    { text: ' done', bold: false, color: null },
  ]);
});

test('other escapes are dropped; plain text passes through unchanged', () => {
  assert.equal(
    parseAnsi('a\x1b[2Kb\x1b[10Gc\x1b=d')
      .map((s) => s.text)
      .join(''),
    'abcd',
  );
  assert.deepEqual(parseAnsi('no colours'), [{ text: 'no colours', bold: false, color: null }]);
  assert.deepEqual(parseAnsi(''), []);
});
