// Exact Rego numbers.
//
// OPA numbers are arbitrary-precision decimals. To keep the common case fast we use a
// canonical dual representation:
//   - a JS `number` whenever the decimal value round-trips through a double's shortest
//     rendering (all safe integers, `0.5`, `1e21`, ...), and
//   - a `BigNum` (bigint mantissa × 10^exp) for every other value (`2^64`,
//     `0.1234567890123456789`, `1e400`).
// Because the choice depends only on the value, two equal numbers have the same
// representation, with one exception: a literal whose text is not the canonical rendering
// (`1.0`, `1.50`, `1e2`) is a BigNum that keeps its text, because OPA makes literal text
// observable (`json.marshal(1.0) == "1.0"`). Such a BigNum carries `num`, its canonical JS
// number, which equality and hashing use.

import { floatOp, pow10, type Decimal } from './bigfloat.js';

export type { Decimal };

/** An exact decimal `m × 10^e` (`m` has no trailing zeros), optionally with its literal text. */
export class BigNum {
  constructor(
    readonly m: bigint,
    readonly e: number,
    /** Literal text to render (`1.0`); absent for computed values. */
    readonly text?: string,
    /** The canonical JS number of the same value, when one exists (only with `text`). */
    readonly num?: number,
  ) {}
  /** The literal text if any, else the plain decimal rendering. */
  toString(): string {
    return this.text ?? decimalToString(this.m, this.e);
  }
}

/** The canonical form of a number (drops literal text). */
export function canonical(v: RegoNumber): RegoNumber {
  if (typeof v === 'number' || v.text === undefined) return v;
  return v.num ?? new BigNum(v.m, v.e);
}

/** A Rego number value. */
export type RegoNumber = number | BigNum;

/** Largest decimal exponent accepted in literals (OPA rejects "number too big"). */
export const MAX_EXPONENT = 100_000;

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Parses decimal text (`-12.5e3`) into an exact decimal, or undefined when malformed. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  if (!Number.isFinite(exp) || Math.abs(exp) > MAX_EXPONENT * 10) return undefined;
  let mant = BigInt(intPart + frac);
  if (m[1] === '-') mant = -mant;
  return normalize(mant, exp - frac.length);
}

/** Strips trailing zeros so each value has one decimal form. */
export function normalize(m: bigint, e: number): Decimal {
  if (m === 0n) return { m: 0n, e: 0 };
  if (m > -1_000_000_000_000_000n && m < 1_000_000_000_000_000n) {
    while (m % 10n === 0n) {
      m /= 10n;
      e++;
    }
    return { m, e };
  }
  // Long mantissas: one conversion instead of a division per zero (quadratic in the digits).
  const digits = m.toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? { m, e } : { m: BigInt(digits.slice(0, end)), e: e + digits.length - end };
}

/** The exact decimal a JS number stands for (its shortest round-trip rendering). */
export function decimalOfDouble(x: number): Decimal {
  if (Number.isSafeInteger(x)) return normalize(BigInt(x), 0);
  // Integral doubles below 1e21 render as plain digits.
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return normalize(BigInt(String(x)), 0);
  return parseDecimal(String(x).replace('e+', 'e'))!;
}

/** Exact decimal of any Rego number. */
export function toDecimal(v: RegoNumber): Decimal {
  return typeof v === 'number' ? decimalOfDouble(v) : { m: v.m, e: v.e };
}

function decimalToString(m: bigint, e: number): string {
  if (e >= 0) {
    if (e > 400) return `${m}e${e}`;
    return (m * pow10(e)).toString();
  }
  const neg = m < 0n;
  let digits = (neg ? -m : m).toString();
  const scale = -e;
  if (scale > 400) return `${m}e${e}`;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** Builds the canonical representation of the decimal `m × 10^e`. */
export function makeNumber(m: bigint, e: number): RegoNumber {
  const d = normalize(m, e);
  if (d.e >= 0 && d.e < 22) {
    const i = d.m * pow10(d.e);
    if (i >= -9007199254740991n && i <= 9007199254740991n) return Number(i);
    // Large integers: a double only if its rendering is exactly these digits.
    const x = Number(i);
    if (Math.abs(x) < 1e21) return String(x) === i.toString() ? x : new BigNum(d.m, d.e);
  }
  if (d.e > -400 && d.e < 400) {
    const x = Number(`${d.m}e${d.e}`);
    if (Number.isFinite(x)) {
      const back = decimalOfDouble(x);
      if (back.m === d.m && back.e === d.e) return x;
    }
  }
  return new BigNum(d.m, d.e);
}

/** Parses a number literal; undefined when malformed. */
export function numberFromText(text: string): RegoNumber | undefined {
  if (text.length < 16 && /^-?(0|[1-9]\d*)$/.test(text)) return text === '-0' ? 0 : Number(text);
  const d = parseDecimal(text);
  if (!d) return undefined;
  const c = makeNumber(d.m, d.e);
  if (typeof c === 'number') return String(c) === text ? c : new BigNum(d.m, d.e, text, c);
  return c.toString() === text ? c : new BigNum(d.m, d.e, text);
}

/** A Rego number from a bigint. */
export function fromBigInt(b: bigint): RegoNumber {
  if (b >= -9007199254740991n && b <= 9007199254740991n) return Number(b);
  return makeNumber(b, 0);
}

/** True when the value is an integer (`4.0` and `1e30` are integers). */
export function isInteger(v: RegoNumber): boolean {
  return typeof v === 'number' ? Number.isInteger(v) : v.e >= 0;
}

/** The integer value as a bigint, or undefined when not an integer. */
export function toBigInt(v: RegoNumber): bigint | undefined {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return undefined;
    if (Number.isSafeInteger(v)) return BigInt(v);
    // A large double stands for its shortest decimal rendering, not its binary value.
    if (Math.abs(v) < 1e21) return BigInt(String(v)); // plain digits below 1e21
    const d = decimalOfDouble(v);
    return d.m * pow10(d.e);
  }
  return v.e >= 0 ? v.m * pow10(v.e) : undefined;
}

/** Approximates the value as a double (may be ±Infinity or lose precision). */
export function toDouble(v: RegoNumber): number {
  return typeof v === 'number' ? v : Number(`${v.m}e${v.e}`);
}

/** Converts a finite double to a Rego number; undefined for NaN/Infinity. */
export function fromDouble(x: number): RegoNumber | undefined {
  if (!Number.isFinite(x)) return undefined;
  return x === 0 ? 0 : x;
}

/** Three-way exact comparison. */
export function compareNumbers(a: RegoNumber, b: RegoNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = toDecimal(a);
  const y = toDecimal(b);
  const sx = x.m < 0n ? -1 : x.m > 0n ? 1 : 0;
  const sy = y.m < 0n ? -1 : y.m > 0n ? 1 : 0;
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (sx === 0) return 0;
  // Compare magnitudes by order of magnitude first to avoid building huge bigints.
  const mx = (x.m < 0n ? -x.m : x.m).toString().length + x.e;
  const my = (y.m < 0n ? -y.m : y.m).toString().length + y.e;
  if (mx !== my) return (mx < my ? -1 : 1) * sx;
  const e = Math.min(x.e, y.e);
  const ax = x.m * pow10(x.e - e);
  const ay = y.m * pow10(y.e - e);
  return ax < ay ? -1 : ax > ay ? 1 : 0;
}

/** Canonical hash key of a number (equal numbers, equal keys). */
export function numberKey(v: RegoNumber): string {
  if (typeof v === 'number') return String(v);
  return v.num !== undefined ? String(v.num) : `B${v.m}e${v.e}`;
}

function align(x: Decimal, y: Decimal): [bigint, bigint, number] {
  const e = Math.min(x.e, y.e);
  return [x.m * pow10(x.e - e), y.m * pow10(y.e - e), e];
}

/** Exact addition. */
export function add(a: RegoNumber, b: RegoNumber): RegoNumber {
  a = canonical(a);
  b = canonical(b);
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
    return fromBigInt(BigInt(a) + BigInt(b));
  }
  if (isInteger(a) && isInteger(b)) {
    const [x, y, e] = align(toDecimal(a), toDecimal(b));
    return makeNumber(x + y, e);
  }
  const d = floatOp('+', toDecimal(a), toDecimal(b));
  return makeNumber(d.m, d.e);
}

/** Exact subtraction. */
export function sub(a: RegoNumber, b: RegoNumber): RegoNumber {
  a = canonical(a);
  b = canonical(b);
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
    return fromBigInt(BigInt(a) - BigInt(b));
  }
  if (isInteger(a) && isInteger(b)) {
    const [x, y, e] = align(toDecimal(a), toDecimal(b));
    return makeNumber(x - y, e);
  }
  const d = floatOp('-', toDecimal(a), toDecimal(b));
  return makeNumber(d.m, d.e);
}

/** Exact multiplication. */
export function mul(a: RegoNumber, b: RegoNumber): RegoNumber {
  a = canonical(a);
  b = canonical(b);
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
    return fromBigInt(BigInt(a) * BigInt(b));
  }
  const x = toDecimal(a);
  const y = toDecimal(b);
  if (isInteger(a) && isInteger(b)) return makeNumber(x.m * y.m, x.e + y.e);
  const d = floatOp('*', x, y);
  return makeNumber(d.m, d.e);
}

/** Division; the caller must reject a zero divisor. Exact when integers divide evenly. */
export function div(a: RegoNumber, b: RegoNumber): RegoNumber {
  a = canonical(a);
  b = canonical(b);
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    if (a % b === 0) return a / b === 0 ? 0 : a / b;
  } else if (isInteger(a) && isInteger(b)) {
    const x = toBigInt(a)!;
    const y = toBigInt(b)!;
    if (x % y === 0n) return fromBigInt(x / y);
  }
  // Otherwise OPA divides 64-bit-mantissa floats (1/3 == 0.33333333333333333334).
  const d = floatOp('/', toDecimal(a), toDecimal(b));
  return makeNumber(d.m, d.e);
}

/** Integer remainder with the dividend's sign; the caller checks both operands are integers and b ≠ 0. */
export function rem(a: RegoNumber, b: RegoNumber): RegoNumber {
  a = canonical(a);
  b = canonical(b);
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    const r = a % b;
    return r === 0 ? 0 : r;
  }
  return fromBigInt(toBigInt(a)! % toBigInt(b)!);
}

/** Negation. */
export function neg(a: RegoNumber): RegoNumber {
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  return makeNumber(-a.m, a.e);
}

/** True when the number is zero. */
export function isZero(a: RegoNumber): boolean {
  return typeof a === 'number' ? a === 0 : a.m === 0n;
}
