// Hostile policies and inputs against the evaluation budget: bombs, ReDoS patterns, deep
// nesting, 10 MB strings, runaway growth. Each case must end in its expected typed error (or
// its correct result), never a crash or an out-of-memory, within its time budget plus 50 ms
// (the budget is what stops it: a blocked event loop shows up as the overshoot), and with
// bounded heap growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compile, RegoEvalError, type JsonValue } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TIMEOUT_MS = 200;
const MAX_OVERSHOOT_MS = 50;
const MAX_BYTES = 64 * 2 ** 20;
const MAX_HEAP_GROWTH = 384 * 2 ** 20;

type Outcome = 'eval_cancel_error' | 'eval_builtin_error';

interface Case {
  name: string;
  /** Rule body defining `x` in `package p`. */
  rule: string;
  input?: () => unknown;
  /** Typed errors accepted, or the exact result. */
  expect: Outcome[] | { value: JsonValue };
}

const MB10 = 10_000_000;
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map(
    (c, i) =>
      `${c}: &${c} [${Array(9)
        .fill('*' + 'abcdefghi'[i])
        .join(',')}]`,
  ),
].join('\n');
const CANCEL: Outcome[] = ['eval_cancel_error'];
const BUILTIN: Outcome[] = ['eval_builtin_error'];
const EITHER: Outcome[] = ['eval_cancel_error', 'eval_builtin_error'];

const cases: Case[] = [
  // Bombs
  {
    name: 'yaml billion laughs',
    rule: 'x := yaml.unmarshal(input)',
    input: () => billionLaughs,
    expect: BUILTIN,
  },
  {
    name: 'yaml 10 MB document',
    rule: 'x := count(yaml.unmarshal(input).items)',
    input: () => 'items:\n' + '  - {name: item, value: 1}\n'.repeat(400_000),
    expect: CANCEL,
  },
  {
    name: 'yaml 100k nested flow sequences',
    rule: 'x := yaml.unmarshal(input)',
    input: () => nested(100_000),
    expect: EITHER,
  },
  {
    name: 'jwt with a 5 MB payload',
    rule: 'x := count(io.jwt.decode(input)[1].a)',
    input: () =>
      'eyJhbGciOiJIUzI1NiJ9.' +
      Buffer.from(`{"a":"${'x'.repeat(5_000_000)}"}`).toString('base64url') +
      '.c2ln',
    expect: { value: 5_000_000 },
  },
  {
    name: 'jwt with a deeply nested payload',
    rule: 'x := io.jwt.decode(input)',
    input: () => 'eyJhbGciOiJIUzI1NiJ9.' + Buffer.from(nested(100_000)).toString('base64url') + '.c2ln',
    expect: EITHER,
  },
  {
    name: 'x509 of 10 MB base64 garbage',
    rule: 'x := crypto.x509.parse_certificates(input)',
    input: () => Buffer.alloc(7_500_000, 0x30).toString('base64'),
    expect: EITHER,
  },
  {
    name: 'x509 of a malformed DER length',
    rule: 'x := crypto.x509.parse_certificates(input)',
    input: () => Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x80]).toString('base64'),
    expect: BUILTIN,
  },
  {
    name: 'PEM with many unterminated headers',
    rule: 'x := crypto.x509.parse_certificates(input)',
    input: () => '-----BEGIN CERTIFICATE-----\n'.repeat(100_000),
    expect: { value: [] },
  },
  // ReDoS and regular expressions
  {
    name: 'regex (a+)+$ on 1 MB',
    rule: 'x := regex.match("(a+)+$", input)',
    input: () => 'a'.repeat(1_000_000) + '!',
    expect: { value: false },
  },
  {
    name: 'regex (a|aa)+$ on 100k',
    rule: 'x := regex.match("^(a|aa)+$", input)',
    input: () => 'a'.repeat(100_000) + 'b',
    expect: { value: false },
  },
  { name: 'regex (a{1000}){1000}', rule: 'x := regex.match("(a{1000}){1000}", "a")', expect: BUILTIN },
  {
    name: 'regex submatches over 10 MB',
    rule: 'x := count(regex.find_all_string_submatch_n("(a)(a)", input, -1))',
    input: () => 'a'.repeat(MB10),
    expect: CANCEL,
  },
  {
    name: 'regex.replace over 10 MB',
    rule: 'x := count(regex.replace(input, "a", "bb"))',
    input: () => 'a'.repeat(MB10),
    expect: CANCEL,
  },
  {
    name: 'json.match_schema patternProperties ReDoS',
    rule: 'x := json.match_schema(input, {"patternProperties": {"^(a+)+$": {"type": "string"}}})',
    input: () => ({ ['a'.repeat(100_000) + '!']: 1 }),
    expect: { value: [true, []] },
  },
  {
    name: 'json.match_schema pattern ReDoS',
    rule: 'x := json.match_schema({"s": input}, {"properties": {"s": {"pattern": "^(a|a)*$"}}})[0]',
    input: () => 'a'.repeat(100_000) + 'b',
    expect: { value: false },
  },
  {
    name: 'glob with 200 stars',
    rule: 'x := glob.match(concat("", ["*a" | some i in numbers.range(1, 200)]), [], input)',
    input: () => 'a'.repeat(100_000) + 'b',
    expect: { value: false },
  },
  {
    name: 'regex.globs_match of 5000 stars',
    rule: 'x := regex.globs_match(input, input)',
    input: () => '.*'.repeat(5000),
    expect: EITHER,
  },
  // Deep nesting
  {
    name: 'json.unmarshal of 100k nested arrays',
    rule: 'x := json.unmarshal(input)',
    input: () => nested(100_000),
    expect: BUILTIN,
  },
  {
    name: 'deeply nested input to json.marshal',
    rule: 'x := json.marshal(input)',
    input: () => JSON.parse(nested(5000)),
    expect: EITHER,
  },
  {
    name: 'deeply nested input to sprintf',
    rule: 'x := sprintf("%v", [input])',
    input: () => JSON.parse(nested(5000)),
    expect: EITHER,
  },
  // 10 MB strings and growth
  {
    name: 'json.unmarshal of 10 MB',
    rule: 'x := count(json.unmarshal(input))',
    input: () => JSON.stringify(Array.from({ length: 1_000_000 }, (_, i) => ({ k: i }))),
    expect: CANCEL,
  },
  {
    name: 'base64.decode of 10 MB',
    rule: 'x := count(base64.decode(input))',
    input: () => Buffer.from('a'.repeat(MB10)).toString('base64'),
    expect: { value: MB10 },
  },
  {
    name: 'upper of 10 MB',
    rule: 'x := count(upper(input))',
    input: () => 'a'.repeat(MB10),
    expect: { value: MB10 },
  },
  {
    name: 'split of 10 MB into code points',
    rule: 'x := count(split(input, ""))',
    input: () => 'a'.repeat(MB10),
    expect: CANCEL,
  },
  {
    name: 'indexof_n over 10 MB',
    rule: 'x := count(indexof_n(input, "a"))',
    input: () => 'a'.repeat(MB10),
    expect: CANCEL,
  },
  {
    name: 'concat of 10 MB in a loop',
    rule: 'x := count(concat("", [input | some i in numbers.range(1, 100)]))',
    input: () => 'a'.repeat(MB10),
    expect: CANCEL,
  },
  {
    name: 'strings.replace_n doubling',
    rule: 'x := count(strings.replace_n({"a": concat("", [input, input])}, input))',
    input: () => 'a'.repeat(MB10),
    expect: EITHER,
  },
  {
    name: 'sprintf with a huge width',
    rule: 'x := sprintf("%999999999d", [1])',
    expect: { value: '%!(BADWIDTH)1' },
  },
  {
    name: 'array.concat in a comprehension',
    rule: 'x := count([count(array.concat(input, input)) | some i in numbers.range(1, 1000)])',
    input: () => Array.from({ length: 1_000_000 }, (_, i) => i),
    expect: CANCEL,
  },
  { name: 'numbers.range of 10^12', rule: 'x := count(numbers.range(1, 1000000000000))', expect: EITHER },
  { name: 'net.cidr_expand of a /8', rule: 'x := count(net.cidr_expand("10.0.0.0/8"))', expect: CANCEL },
  {
    name: 'walk of 300k nodes',
    rule: 'x := count([p | walk(input, [p, v])])',
    input: () => Array.from({ length: 300 }, () => Array.from({ length: 1000 }, (_, i) => ({ i }))),
    expect: CANCEL,
  },
  {
    name: 'graph.reachable_paths of a dense graph',
    rule: 'x := count(graph.reachable_paths(input, ["0"]))',
    input: () =>
      Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [String(i), Array.from({ length: 40 }, (_, j) => String(j))]),
      ),
    expect: CANCEL,
  },
  {
    name: 'template with nested ranges',
    rule: 'x := strings.render_template("{{range .x}}{{range $.x}}{{range $.x}}ab{{end}}{{end}}{{end}}", {"x": numbers.range(1, 1000)})',
    expect: CANCEL,
  },
  // Whole-document builtins on large inputs
  {
    name: 'sort of 300k objects',
    rule: 'x := count(sort(input))',
    input: () => Array.from({ length: 300_000 }, (_, i) => ({ k: i % 1000, s: `x${i}` })),
    expect: CANCEL,
  },
  {
    name: 'json.marshal of 300k objects',
    rule: 'x := count(json.marshal(input))',
    input: () => Array.from({ length: 300_000 }, (_, i) => ({ k: i % 1000, s: `x${i}` })),
    expect: CANCEL,
  },
  {
    name: 'sprintf %v of 300k objects',
    rule: 'x := count(sprintf("%v", [input]))',
    input: () => Array.from({ length: 300_000 }, (_, i) => ({ k: i % 1000, s: `x${i}` })),
    expect: CANCEL,
  },
  {
    name: 'yaml.marshal of 300k objects',
    rule: 'x := count(yaml.marshal(input))',
    input: () => Array.from({ length: 300_000 }, (_, i) => ({ k: i % 1000, s: `x${i}` })),
    expect: CANCEL,
  },
  // Numbers
  { name: 'units.parse of 1e1000000000', rule: 'x := units.parse("1e1000000000")', expect: BUILTIN },
  {
    name: 'product of 1000 × 1e100000, plus 1',
    rule: 'x := product([1e100000 | some i in numbers.range(1, 1000)]) + 1',
    expect: EITHER,
  },
  { name: '1e100000 / 3', rule: 'x := 1e100000 / 3', expect: EITHER },
  { name: 'bits.lsh by 10^8', rule: 'x := bits.lsh(1, 100000000)', expect: BUILTIN },
  // Time layouts
  {
    name: 'time.parse_ns with a 900k layout',
    rule: 'x := time.parse_ns(input, input)',
    input: () => '000000000'.repeat(100_000),
    expect: EITHER,
  },
  {
    name: 'time.format with a 400k layout',
    rule: 'x := count(time.format([0, "UTC", concat("", ["2006-01-02" | some i in numbers.range(1, 40000)])]))',
    expect: CANCEL,
  },
];

interface Measured {
  ms: number;
  heapGrowth: number;
  rss: number;
}

const measured: Measured[] = [];

interface Attempt {
  result: JsonValue | undefined;
  error: unknown;
  ms: number;
  heapGrowth: number;
}

function attempt(c: Case): Attempt {
  const policy = compile(`package p\n${c.rule}`, { strictBuiltinErrors: true });
  const input = c.input?.();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let result: JsonValue | undefined;
  let error: unknown;
  try {
    result = policy.evaluate('data.p.x', {
      input,
      timeoutMs: TIMEOUT_MS,
      maxSteps: 1_000_000,
      maxBytes: MAX_BYTES,
    });
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  return { result, error, ms, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
}

function run(c: Case): void {
  const first = attempt(c);
  const { result, error } = first;
  if (Array.isArray(c.expect)) {
    assert.ok(
      error instanceof RegoEvalError,
      `${c.name}: expected ${c.expect.join('/')}, got ${error ?? JSON.stringify(result)?.slice(0, 80)}`,
    );
    assert.ok(
      c.expect.includes(error.code as Outcome),
      `${c.name}: ${error.code}: ${error.message.slice(0, 160)}`,
    );
  } else {
    assert.equal(error, undefined, `${c.name}: ${String(error)}`);
    assert.deepEqual(result, c.expect.value);
  }
  // The machine is shared: a case over its budget runs once more, and the faster run counts
  // (contention only ever adds time; a builtin that ignores the budget is slow both times).
  const timed = first.ms <= TIMEOUT_MS + MAX_OVERSHOOT_MS ? first : attempt(c);
  const m = {
    ms: Math.min(first.ms, timed.ms),
    heapGrowth: first.heapGrowth,
    rss: process.memoryUsage().rss,
  };
  measured.push(m);
  if (process.env.ADVERSARIAL_VERBOSE) {
    console.log(c.name, m.ms.toFixed(0), (m.heapGrowth / 2 ** 20).toFixed(0), (m.rss / 2 ** 20).toFixed(0));
  }
  assert.ok(
    m.ms <= TIMEOUT_MS + MAX_OVERSHOOT_MS,
    `${c.name}: took ${m.ms.toFixed(0)} ms with a ${TIMEOUT_MS} ms budget`,
  );
  assert.ok(
    m.heapGrowth <= MAX_HEAP_GROWTH,
    `${c.name}: heap grew ${(m.heapGrowth / 2 ** 20).toFixed(0)} MB`,
  );
}

for (const c of cases) test(`adversarial: ${c.name}`, () => run(c));

test('adversarial: summary', () => {
  const worst = measured.reduce((a, m) => (m.ms > a.ms ? m : a), measured[0]!);
  const heap = Math.max(...measured.map((m) => m.heapGrowth));
  const rss = Math.max(...measured.map((m) => m.rss));
  console.log(
    `adversarial: ${measured.length} cases, max ${worst.ms.toFixed(0)} ms (budget ${TIMEOUT_MS} ms, overshoot ${Math.max(0, worst.ms - TIMEOUT_MS).toFixed(0)} ms), max heap growth ${(heap / 2 ** 20).toFixed(0)} MB, peak RSS ${(rss / 2 ** 20).toFixed(0)} MB`,
  );
  assert.equal(measured.length, cases.length);
});
