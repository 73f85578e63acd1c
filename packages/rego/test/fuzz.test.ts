// Parser/compiler fuzz test: mutated real modules must only ever produce typed RegoErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compile, RegoError } from '../src/index.js';

const casesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/opa-conformance/v1');

/** Mulberry32: a small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): string[] {
  const out: string[] = [
    'package spacelift\nwrite if input.slack.channel.name == "dev-notifications"\n',
    'package p\nf(x) := y if { y := [a | some a in x; a > 1] }\nq contains z if z := f([1, 2, 3])[_]\n',
  ];
  if (!existsSync(casesDir)) return out;
  for (const folder of readdirSync(casesDir).sort()) {
    const dir = join(casesDir, folder);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.yaml')) continue;
      const doc = parse(readFileSync(join(dir, f), 'utf8')) as { cases?: Array<{ modules?: string[] }> };
      for (const c of doc.cases ?? []) for (const m of c.modules ?? []) out.push(m);
    }
    if (out.length > 600) break;
  }
  return out;
}

const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  '`',
  ':=',
  '=',
  '==',
  ' if ',
  ' else ',
  ' not ',
  ' some ',
  ' every ',
  ' in ',
  ' with ',
  ' as ',
  ' contains ',
  '|',
  ',',
  ';',
  '\n',
  '.',
  '$"{',
  '1e999999',
  '-',
  '_',
  'default ',
  'import ',
  'package ',
];

function mutate(src: string, r: () => number): string {
  let s = src;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 4);
    if (op === 0) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 5));
    else if (op === 1) s = s.slice(0, pos) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + s.slice(pos);
    else if (op === 2) {
      const from = Math.floor(r() * s.length);
      s = s.slice(0, pos) + s.slice(from, from + 1 + Math.floor(r() * 12)) + s.slice(pos);
    } else s = s.slice(0, pos) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(pos);
  }
  return s;
}

test('fuzzed modules yield only typed errors, quickly', () => {
  const r = rng(20261124);
  const sources = corpus();
  const started = Date.now();
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const base = sources[Math.floor(r() * sources.length)]!;
    const src = mutate(base, r);
    for (const version of ['v1', 'v0'] as const) {
      const t0 = Date.now();
      try {
        const p = compile([{ name: 'fuzz.rego', source: src }], { regoVersion: version });
        parsed++;
        // Evaluating must not crash either (with a budget).
        for (const pkg of p.packages) {
          try {
            p.query(
              `x := data${pkg
                .split('.')
                .map((seg) => `[${JSON.stringify(seg)}]`)
                .join('')}`,
              {
                maxSteps: 10_000,
                timeoutMs: 200,
              },
            );
          } catch (e) {
            if (!(e instanceof RegoError)) throw e;
          }
        }
      } catch (e) {
        if (!(e instanceof RegoError)) {
          assert.fail(`non-Rego error ${String((e as Error).stack)} for source:\n${src}`);
        }
        rejected++;
      }
      assert.ok(Date.now() - t0 < 2000, `slow input:\n${src}`);
    }
  }
  assert.ok(parsed > 0 && rejected > 0, `parsed ${parsed}, rejected ${rejected}`);
  assert.ok(Date.now() - started < 60_000);
});
