import { compile, RegoEvalError } from './src/index.js';
const big = 'a'.repeat(10_000_000);
const cases: Array<[string, string, unknown?]> = [
  ['sprintf width', 'x := count(sprintf("%999999999d", [1]))'],
  ['sprintf width2', 'x := count(sprintf("%-99999999s|", ["a"]))'],
  ['sprintf prec', 'x := count(sprintf("%.999999999f", [1.5]))'],
  ['concat loop', 'x := count(concat("", [input | some i in numbers.range(1, 100000)]))', big],
  ['replace_n', 'x := count(strings.replace_n({"a": input}, input))', big.slice(0, 100000)],
  [
    'array.concat loop',
    'x := count([count(array.concat(input, input)) | some i in numbers.range(1, 1000)])',
    Array.from({ length: 1_000_000 }, (_, i) => i),
  ],
  ['numbers.range', 'x := count(numbers.range(1, 1000000000000))'],
  [
    'walk huge',
    'x := count([p | walk(input, [p, v])])',
    Array.from({ length: 300 }, () => Array.from({ length: 1000 }, (_, i) => ({ i }))),
  ],
  ['units.parse huge', 'x := units.parse("1e1000000000")'],
  ['units.parse_bytes huge', 'x := units.parse_bytes("1e100000000KB")'],
  ['bignum product', 'x := product([1e100000 | some i in numbers.range(1, 1000)]) + 1'],
  ['bignum sum', 'x := sum([1e100000, 1e-100000])'],
  ['bignum div', 'x := 1e100000 / 3'],
  ['bignum mod', 'x := (1e100000 + 7) % 13'],
  ['bits', 'x := bits.lsh(1, 100000000)'],
  [
    'time crazy layout',
    'x := time.parse_ns(concat("", ["2006" | some i in numbers.range(1, 100000)]), concat("", ["2020" | some i in numbers.range(1, 100000)]))',
  ],
  ['time crazy layout2', 'x := time.parse_ns(input, input)', '000000000'.repeat(100000)],
  [
    'x509 garbage',
    'x := crypto.x509.parse_certificates(input)',
    Buffer.from('0'.repeat(7_000_000)).toString('base64'),
  ],
  [
    'x509 nested DER',
    'x := crypto.x509.parse_certificates(input)',
    Buffer.concat([
      Buffer.from([0x30, 0x84, 0x00, 0x98, 0x96, 0x7a]),
      Buffer.alloc(10_000_000 - 6, 0x30),
    ]).toString('base64'),
  ],
  [
    'jwt huge',
    'x := io.jwt.decode(input)',
    'eyJhbGciOiJIUzI1NiJ9.' +
      Buffer.from('{"a":"' + 'x'.repeat(5_000_000) + '"}').toString('base64url') +
      '.c2ln',
  ],
  [
    'jwt deep',
    'x := io.jwt.decode(input)',
    'eyJhbGciOiJIUzI1NiJ9.' + Buffer.from('['.repeat(100000)).toString('base64url') + '.c2ln',
  ],
  ['json deep', 'x := json.unmarshal(input)', '['.repeat(100000) + ']'.repeat(100000)],
  [
    'json 10MB',
    'x := count(json.unmarshal(input))',
    JSON.stringify(Array.from({ length: 1_000_000 }, (_, i) => ({ k: i }))),
  ],
  ['base64 10MB', 'x := count(base64.decode(input))', Buffer.from(big).toString('base64')],
  [
    'glob stars',
    'x := glob.match(concat("", ["*a" | some i in numbers.range(1, 200)]), [], input)',
    'a'.repeat(100000),
  ],
  [
    'globs_match',
    'x := regex.globs_match(concat("", [".*a" | some i in numbers.range(1, 300)]), concat("", ["a.*" | some i in numbers.range(1, 300)]))',
  ],
  ['globs_match2', 'x := regex.globs_match(input, input)', '.*'.repeat(5000)],
  ['regex redos', 'x := regex.match("(a+)+$", input)', 'a'.repeat(1_000_000) + '!'],
  ['regex counted', 'x := regex.match("(a{1000}){1000}", "a")'],
  ['regex find 10MB', 'x := count(regex.find_all_string_submatch_n("(a)(a)", input, -1))', big],
  ['regex replace 10MB', 'x := count(regex.replace(input, "a", "bb"))', big],
  [
    'schema redos',
    'x := json.match_schema(input, {"patternProperties": {"^(a+)+$": {"type": "string"}}})',
    { ['a'.repeat(100000) + '!']: 1 },
  ],
  [
    'yaml 10MB',
    'x := count(yaml.unmarshal(input))',
    'items:\n' + '  - {name: item, value: 1}\n'.repeat(400_000),
  ],
  ['sprintf nested', 'x := count(sprintf("%v", [input]))', JSON.parse('['.repeat(5000) + ']'.repeat(5000))],
  ['json.marshal nested', 'x := count(json.marshal(input))', JSON.parse('['.repeat(5000) + ']'.repeat(5000))],
  ['cidr expand', 'x := count(net.cidr_expand("10.0.0.0/8"))'],
  ['strings.repeat-ish format_int', 'x := count(format_int(1e100000, 2))'],
  ['indexof_n', 'x := count(indexof_n(input, "a"))', big],
  ['split', 'x := count(split(input, ""))', big],
  [
    'graph reachable',
    'x := count(graph.reachable_paths(input, ["0"]))',
    Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [String(i), Array.from({ length: 40 }, (_, j) => String(j))]),
    ),
  ],
  [
    'template',
    'x := count(strings.render_template("{{range .x}}{{range $.x}}{{range $.x}}ab{{end}}{{end}}{{end}}", {"x": numbers.range(1, 1000)}))',
  ],
];
const only = process.argv[2];
for (const [name, body, input] of cases) {
  if (only && !name.includes(only)) continue;
  const p = compile('package p\n' + body, { strictBuiltinErrors: true });
  const h0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let out: string;
  try {
    out =
      JSON.stringify(
        p.evaluate('data.p.x', { input, timeoutMs: 200, maxSteps: 1_000_000, maxBytes: 64 << 20 }),
      )?.slice(0, 60) ?? 'undefined';
  } catch (e) {
    out =
      (e instanceof RegoEvalError ? e.code : 'CRASH ' + (e as Error).constructor.name) +
      ': ' +
      (e as Error).message.slice(0, 90);
  }
  const ms = performance.now() - t0;
  const mb = (process.memoryUsage().heapUsed - h0) / 2 ** 20;
  console.log(
    `${ms > 250 ? '!!' : '  '} ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)}ms ${mb.toFixed(0).padStart(5)}MB ${out}`,
  );
}
