// highlight(): total and lossless on any input (editors colour half-typed policies), classifying what the lexer
// sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { highlight } from '../src/highlight.js';

const joined = (s: string) =>
  highlight(s)
    .map((t) => t.text)
    .join('');

test('never throws, and the token texts give back the source', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => assert.equal(joined(s), s)),
    { numRuns: 500 },
  );
  const alphabet = fc.constantFrom(...'package p\n\t{}[]()"`$#:=!<>.,_a1e if in\\'.split(''));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 200 }), (chars) =>
      assert.equal(joined(chars.join('')), chars.join('')),
    ),
    { numRuns: 500 },
  );
});

test('where the lexer gives up, the broken piece is one token and lexing resumes', () => {
  assert.deepEqual(highlight('x := "a\\q" # c'), [
    { kind: 'rule', text: 'x' },
    { kind: 'space', text: ' ' },
    { kind: 'operator', text: ':=' },
    { kind: 'space', text: ' ' },
    { kind: 'string', text: '"a\\q"' },
    { kind: 'space', text: ' ' },
    { kind: 'comment', text: '# c' },
  ]);
  assert.deepEqual(
    highlight('y := $"{input.x}').map((t) => t.kind),
    ['rule', 'space', 'operator', 'space', 'string'],
  );
});
