// Binary floating point with a 64-bit mantissa, as OPA computes non-integer arithmetic
// (Go `big.Float`, precision 64, round half to even), and Go's shortest decimal rendering
// of such a float (`Text('g', -1)`). This is why OPA gives `1/3 == 0.33333333333333333334`
// and `0.1 + 0.2 == 0.3`, where doubles give `0.3333333333333333` and `0.30000000000000004`.

/** An exact decimal `m × 10^e`; the representation number.ts builds Rego numbers from. */
export interface Decimal {
  m: bigint;
  e: number;
}

const PREC = 64;
const TOP = 1n << BigInt(PREC);
const HALF_TOP = 1n << BigInt(PREC - 1);

/** `neg × m × 2^e` with `2^63 ≤ m < 2^64`, or zero (`m = 0`). */
interface BinFloat {
  neg: boolean;
  m: bigint;
  e: number;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds `num / den × 2^e2` (num ≥ 0, den > 0) to 64 significant bits, half to even. */
function round(neg: boolean, num: bigint, den: bigint, e2: number): BinFloat {
  if (num === 0n) return { neg: false, m: 0n, e: 0 };
  // Choose k so that num × 2^k / den lies in [2^63, 2^64).
  let k = PREC - (bitLength(num) - bitLength(den));
  for (;;) {
    const n = k >= 0 ? num << BigInt(k) : num;
    const d = k >= 0 ? den : den << BigInt(-k);
    let q = n / d;
    if (q >= TOP) {
      k--;
      continue;
    }
    if (q < HALF_TOP) {
      k++;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TOP) return { neg, m: HALF_TOP, e: e2 - k + 1 };
    return { neg, m: q, e: e2 - k };
  }
}

function fromDecimal(d: Decimal): BinFloat {
  const neg = d.m < 0n;
  const m = neg ? -d.m : d.m;
  return d.e >= 0 ? round(neg, m * 10n ** BigInt(d.e), 1n, 0) : round(neg, m, 10n ** BigInt(-d.e), 0);
}

/** The exact decimal value of a binary float. */
function exact(f: BinFloat): Decimal {
  const m = f.neg ? -f.m : f.m;
  if (f.e >= 0) return { m: m << BigInt(f.e), e: 0 };
  // m × 2^e = m × 5^-e × 10^e
  return { m: m * 5n ** BigInt(-f.e), e: f.e };
}

function same(a: BinFloat, b: BinFloat): boolean {
  return a.m === b.m && a.e === b.e && (a.neg === b.neg || a.m === 0n);
}

/** Shortest decimal that rounds back to `f` at 64-bit precision (Go's `Text('g', -1)`). */
function shortest(f: BinFloat): Decimal {
  if (f.m === 0n) return { m: 0n, e: 0 };
  const x = exact(f);
  const digits = (x.m < 0n ? -x.m : x.m).toString();
  for (let n = 1; n < digits.length; n++) {
    // Round the exact digits to n significant digits, half to even.
    const drop = digits.length - n;
    const p = 10n ** BigInt(drop);
    const abs = x.m < 0n ? -x.m : x.m;
    let q = abs / p;
    const r2 = (abs - q * p) * 2n;
    if (r2 > p || (r2 === p && (q & 1n) === 1n)) q++;
    const cand: Decimal = { m: x.m < 0n ? -q : q, e: x.e + drop };
    if (same(fromDecimal(cand), f)) return cand;
  }
  return x;
}

/** Arithmetic on two decimals through 64-bit-mantissa binary floats. */
export function floatOp(op: '+' | '-' | '*' | '/', a: Decimal, b: Decimal): Decimal {
  const x = fromDecimal(a);
  const y = fromDecimal(b);
  const sx = x.neg ? -x.m : x.m;
  const sy = (y.neg ? -y.m : y.m) * (op === '-' ? -1n : 1n);
  let r: BinFloat;
  switch (op) {
    case '-':
    case '+': {
      const e = Math.min(x.e, y.e);
      const n = (sx << BigInt(x.e - e)) + (sy << BigInt(y.e - e));
      r = round(n < 0n, n < 0n ? -n : n, 1n, e);
      break;
    }
    case '*': {
      const n = sx * sy;
      r = round(n < 0n, n < 0n ? -n : n, 1n, x.e + y.e);
      break;
    }
    case '/':
      r = round(x.neg !== y.neg, x.m, y.m, x.e - y.e);
      break;
  }
  return shortest(r);
}
