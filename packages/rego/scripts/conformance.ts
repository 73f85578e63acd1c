// Runs OPA's YAML conformance cases against this engine.
//
//   npm run conformance -w packages/rego -- [dir] [--verbose] [--filter=text]
//
// Default dir: ../shared/opa-conformance/v1 relative to the repository root. Comparison follows
// OPA's runner (v1/topdown/exported_test.go): results are compared as a set of binding rows,
// sets become sorted arrays, non-string keys become JSON text, numbers compare by value.
// A case is skipped only when it needs a builtin listed in src/builtins/unsupported.ts.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  compile,
  parseValue,
  queryValues,
  RegoCompileError,
  RegoError,
  type CompiledPolicy,
} from '../src/index.js';
import { equals } from '../src/compare.js';
import { ObjectValue, SetValue, compare, fromJS, keyOf, toJSON, type Value } from '../src/value.js';
import { regoText } from '../src/format.js';

interface Case {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  want_error?: string;
  want_error_code?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
}

type Outcome = { status: 'pass' } | { status: 'skip'; reason: string } | { status: 'fail'; reason: string };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const dirArg = args.find((a) => !a.startsWith('-'));
const root = dirArg ? resolve(process.cwd(), dirArg) : resolve(repoRoot, '../shared/opa-conformance/v1');

/** OPA's `ast.JSON` view of a value: sets → sorted arrays, non-string keys → JSON text. */
function jsonView(v: Value): Value {
  if (Array.isArray(v)) return v.map(jsonView);
  if (v instanceof SetValue) return v.values().map(jsonView);
  if (v instanceof ObjectValue) {
    const o = new ObjectValue();
    for (const [k, x] of v.entries())
      o.set(typeof k === 'string' ? k : JSON.stringify(toJSON(k)), jsonView(x));
    return o;
  }
  return v;
}

function rowsKey(rows: Value[]): Set<string> {
  return new Set(rows.map(keyOf));
}

function runCase(c: Case, version: 'v0' | 'v1'): Outcome {
  let policy: CompiledPolicy;
  try {
    policy = compile(
      (c.modules ?? []).map((source, i) => ({ name: `test-${i}.rego`, source })),
      { regoVersion: version },
    );
  } catch (e) {
    if (e instanceof RegoCompileError) {
      const unsupported = e.errors.find((x) => x.message.startsWith('unsupported built-in function'));
      if (unsupported) return { status: 'skip', reason: unsupported.message };
    }
    return { status: 'fail', reason: `compile: ${(e as Error).message}` };
  }
  let input: unknown;
  try {
    input = c.input_term !== undefined ? parseValue(c.input_term) : c.input;
  } catch (e) {
    return { status: 'fail', reason: `input_term: ${(e as Error).message}` };
  }
  let rows: Array<Map<string, Value>>;
  try {
    rows = queryValues(policy, c.query, {
      input,
      data: c.data ?? {},
      strictBuiltinErrors: c.strict_error === true,
      maxSteps: 20_000_000,
      timeoutMs: 10_000,
    });
  } catch (e) {
    if (e instanceof RegoCompileError) {
      const unsupported = e.errors.find((x) => x.message.startsWith('unsupported built-in function'));
      if (unsupported) return { status: 'skip', reason: unsupported.message };
    }
    if (c.want_error !== undefined || c.want_error_code !== undefined) {
      if (!(e instanceof RegoError))
        return { status: 'fail', reason: `non-Rego error: ${(e as Error).stack}` };
      if (c.want_error_code !== undefined && e.code !== c.want_error_code) {
        return { status: 'fail', reason: `want code ${c.want_error_code}, got ${e.code}: ${e.message}` };
      }
      if (c.want_error !== undefined && !e.message.includes(c.want_error)) {
        return {
          status: 'fail',
          reason: `want error containing ${JSON.stringify(c.want_error)}, got ${e.message}`,
        };
      }
      return { status: 'pass' };
    }
    return { status: 'fail', reason: `error: ${e instanceof RegoError ? e.message : (e as Error).stack}` };
  }
  if (c.want_error !== undefined || c.want_error_code !== undefined) {
    return {
      status: 'fail',
      reason: `want error ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${rows.length} rows`,
    };
  }
  if (c.want_result === undefined) return { status: 'pass' };
  const actual: Value[] = rows.map((row) => {
    const o = new ObjectValue();
    for (const [k, v] of row) {
      let jv = jsonView(v);
      if (c.sort_bindings && Array.isArray(jv)) jv = [...jv].sort(compare);
      o.set(k, jv);
    }
    return o;
  });
  const expected: Value[] = c.want_result.map((r) => fromJS(r));
  const a = rowsKey(actual);
  const b = rowsKey(expected);
  const same = a.size === b.size && [...a].every((k) => b.has(k));
  if (same) return { status: 'pass' };
  // Key equality is value equality; keep a slower structural check as a fallback.
  if (actual.length === expected.length && actual.every((x, i) => equals(x, expected[i]!)))
    return { status: 'pass' };
  return {
    status: 'fail',
    reason: `want ${expected.map(regoText).join(' | ')}\n      got  ${actual.map(regoText).join(' | ')}`,
  };
}

function main(): void {
  if (!existsSync(root)) {
    console.error(`conformance dir not found: ${root}`);
    process.exit(2);
  }
  const version: 'v0' | 'v1' = basename(root) === 'v0' || root.includes('/v0/') ? 'v0' : 'v1';
  const categories = new Map<string, string>();
  const countsFile = join(dirname(root), 'counts.tsv');
  if (existsSync(countsFile)) {
    for (const line of readFileSync(countsFile, 'utf8').split('\n').slice(1)) {
      const [folder, category] = line.split('\t');
      if (folder && category) categories.set(folder, category);
    }
  }
  const folders = readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory())
    .sort();
  let pass = 0;
  let fail = 0;
  let skip = 0;
  const byCat = new Map<string, { pass: number; fail: number; skip: number }>();
  for (const folder of folders) {
    const files = readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
    let fp = 0;
    let ff = 0;
    let fs = 0;
    const details: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, folder, file), 'utf8');
      const doc = parse(text, { intAsBigInt: true }) as { cases?: Case[] };
      (doc.cases ?? []).forEach((c, idx) => {
        const id = `${folder}/${file}#${idx} ${c.note}`;
        if (filter && !id.includes(filter)) return;
        let out: Outcome;
        try {
          out = runCase(c, version);
        } catch (e) {
          out = { status: 'fail', reason: `runner crash: ${(e as Error).stack}` };
        }
        if (out.status === 'pass') fp++;
        else if (out.status === 'skip') {
          fs++;
          if (verbose) details.push(`  SKIP ${id}: ${out.reason}`);
        } else {
          ff++;
          if (verbose) details.push(`  FAIL ${id}\n      ${out.reason}`);
        }
      });
    }
    if (fp + ff + fs === 0) continue;
    console.log(
      `${folder.padEnd(32)} pass ${String(fp).padStart(4)}  fail ${String(ff).padStart(4)}  skip ${String(fs).padStart(4)}`,
    );
    for (const d of details) console.log(d);
    pass += fp;
    fail += ff;
    skip += fs;
    const cat = categories.get(folder) ?? 'other';
    const agg = byCat.get(cat) ?? { pass: 0, fail: 0, skip: 0 };
    agg.pass += fp;
    agg.fail += ff;
    agg.skip += fs;
    byCat.set(cat, agg);
  }
  const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`);
  for (const [cat, a] of [...byCat].sort()) {
    const total = a.pass + a.fail + a.skip;
    console.log(
      `category ${cat}: ${a.pass}/${total} pass (${pct(a.pass, total)}), ${pct(a.pass, a.pass + a.fail)} of non-skipped, ${a.skip} skipped`,
    );
  }
  const total = pass + fail + skip;
  console.log(`all: ${pct(pass, pass + fail)} of non-skipped pass, skipped ${pct(skip, total)} of ${total}`);
  console.log(`${pass} passed, ${fail} failed, ${skip} skipped`);
}

main();
