// The editor's Rego highlighting (@liftoff/rego/highlight): lossless on any input (the highlight layer must match the textarea exactly) and
// classifying the parts of a policy that matter to a reader.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { highlight as tokenize, type HighlightToken as Token } from '@liftoff/rego/highlight';

const kinds = (tokens: Token[], kind: Token['kind']) =>
  tokens.filter((t) => t.kind === kind).map((t) => t.text);

test('concatenated tokens give back the source, whatever it is', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      assert.equal(
        tokenize(s)
          .map((t) => t.text)
          .join(''),
        s,
      );
    }),
    { numRuns: 500 },
  );
  const alphabet = fc.constantFrom(...'package spacelift\n\t{}[]()"`#:=!<>.,_ab1 if in some not'.split(''));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 300 }), (chars) => {
      const s = chars.join('');
      assert.equal(
        tokenize(s)
          .map((t) => t.text)
          .join(''),
        s,
      );
    }),
    { numRuns: 500 },
  );
});

test('keywords, rule heads, strings, comments, numbers, roots and built-in calls', () => {
  const tokens = tokenize(
    [
      'package spacelift',
      'import rego.v1',
      '',
      '# who may write',
      'write if {',
      '\tsome team in input.session.teams',
      '\tteam == "Product \\"team\\""',
      '}',
      'deny_write if clock[0] < 9',
      'clock := time.clock([input.request.timestamp_ns, `UTC`])',
      'default read := false',
    ].join('\n'),
  );
  assert.deepEqual(kinds(tokens, 'keyword'), ['package', 'import', 'if', 'some', 'in', 'if', 'default']);
  assert.deepEqual(kinds(tokens, 'rule'), ['write', 'deny_write', 'clock']);
  assert.deepEqual(kinds(tokens, 'string'), ['"Product \\"team\\""', '`UTC`']);
  assert.deepEqual(kinds(tokens, 'comment'), ['# who may write']);
  assert.deepEqual(kinds(tokens, 'number'), ['0', '9']);
  assert.deepEqual(kinds(tokens, 'constant'), ['false']);
  assert.ok(kinds(tokens, 'root').includes('input'));
  assert.deepEqual(kinds(tokens, 'function'), ['time', '.', 'clock']);
  assert.ok(kinds(tokens, 'operator').includes(':='));
  // `in` after a dot is a field, not the keyword.
  assert.deepEqual(kinds(tokenize('x := input.in'), 'keyword'), []);
});

test('an unterminated string stops at the end of its line', () => {
  const tokens = tokenize('x := "abc\ny := 1');
  assert.deepEqual(kinds(tokens, 'string'), ['"abc']);
  assert.deepEqual(kinds(tokens, 'rule'), ['x', 'y']);
});
