// Binary floating point with a 64-bit mantissa, as OPA computes non-integer arithmetic
// (Go `big.Float`, precision 64, round half to even), and Go's shortest decimal rendering
// of such a float (`Text('g', -1)`). This is why OPA gives `1/3 == 0.33333333333333333334`
// and `0.1 + 0.2 == 0.3`, where doubles give `0.3333333333333333` and `0.30000000000000004`.
// Hand-written: decimal.js / big.js are decimal, not binary, floats, so they round differently
// from Go's big.Float at precision 64 (they would give 0.33333333333333333333).

/** An exact decimal `m × 10^e`; the representation number.ts builds Rego numbers from. */
export interface Decimal {
  m: bigint;
  e: number;
}

/**
 * Exact arithmetic refuses to build powers beyond this many decimal digits: OPA's literals stop
 * at 10^100000, and a product of such numbers must not make a gigabyte bigint (or take
 * minutes). OPA computes such values in binary floating point instead; here they are an error.
 */
export const MAX_DIGITS = 120_000;

/** A number whose exact value would be too large to compute. */
export class NumberRangeError extends Error {}

/** `10^n`, refused beyond MAX_DIGITS digits. */
export function pow10(n: number): bigint {
  if (n > MAX_DIGITS) throw new NumberRangeError('number too large');
  return 10n ** BigInt(n);
}

/** `m × 2^n` for a shift of at most MAX_DIGITS digits' worth of bits. */
function shift(m: bigint, n: number): bigint {
  if (n > MAX_DIGITS * 3.33) throw new NumberRangeError('number too large');
  return m << BigInt(n);
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
  return d.e >= 0 ? round(neg, m * pow10(d.e), 1n, 0) : round(neg, m, pow10(-d.e), 0);
}

/** The exact decimal value of a binary float. */
function exact(f: BinFloat): Decimal {
  const m = f.neg ? -f.m : f.m;
  if (f.e >= 0) return { m: shift(m, f.e), e: 0 };
  // m × 2^e = m × 5^-e × 10^e
  if (-f.e * 0.7 > MAX_DIGITS) throw new NumberRangeError('number too large');
  return { m: m * 5n ** BigInt(-f.e), e: f.e };
}

function same(a: BinFloat, b: BinFloat): boolean {
  return a.m === b.m && a.e === b.e && (a.neg === b.neg || a.m === 0n);
}

/**
 * Shortest decimal that rounds back to `f` at 64-bit precision (Go's `Text('g', -1)`). Rounding
 * to more digits never moves further from the exact value, so the digit count is found by
 * binary search (numbers with 10^5 digits would take minutes digit by digit).
 */
function shortest(f: BinFloat): Decimal {
  if (f.m === 0n) return { m: 0n, e: 0 };
  const x = exact(f);
  const abs = x.m < 0n ? -x.m : x.m;
  const digits = abs.toString();
  // Rounds the exact digits to n significant digits, half to even.
  const rounded = (n: number): Decimal => {
    const drop = digits.length - n;
    const p = pow10(drop);
    let q = abs / p;
    const r2 = (abs - q * p) * 2n;
    if (r2 > p || (r2 === p && (q & 1n) === 1n)) q++;
    return { m: x.m < 0n ? -q : q, e: x.e + drop };
  };
  let lo = 1;
  let hi = digits.length; // the exact value always round-trips
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (same(fromDecimal(rounded(mid)), f)) hi = mid;
    else lo = mid + 1;
  }
  return lo === digits.length ? x : rounded(lo);
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
      const n = shift(sx, x.e - e) + shift(sy, y.e - e);
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
