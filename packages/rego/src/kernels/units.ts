/**
 * Kernels for `units.parse` and `units.parse_bytes` (OPA `parse_units.go` / `parse_bytes.go`).
 * Amounts are exact: the number is read as a decimal (mantissa × 10^exp) and multiplied by the
 * unit as a rational, so `10Ei` and `1.1Ki` come out exactly as OPA's big.Rat does.
 *
 * Hand-written: byte/unit parsers on npm (bytes, pretty-bytes) round to doubles and differ on
 * OPA's unit spellings (`Ki`, `m` for milli, case rules).
 */

/** A failure message for the builtin; the caller prefixes the builtin name. */
export class UnitsError extends Error {}

const SI: Record<string, bigint> = {
  k: 1000n,
  m: 1000n ** 2n,
  g: 1000n ** 3n,
  t: 1000n ** 4n,
  p: 1000n ** 5n,
  e: 1000n ** 6n,
};
const BINARY: Record<string, bigint> = {
  ki: 1n << 10n,
  mi: 1n << 20n,
  gi: 1n << 30n,
  ti: 1n << 40n,
  pi: 1n << 50n,
  ei: 1n << 60n,
};

const MAX_EXPONENT_DIGITS = 6;

/**
 * Splits "2.5e3Ki" into ["2.5e3", "Ki"]. An `e`/`E` belongs to the number only when a digit or
 * sign follows (so "5E" is five exa). Throws when the exponent has too many digits.
 */
function splitAmountAndUnit(s: string): [string, string] {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      return i === 0 ? ['', s] : [s.slice(0, i), s.slice(i)];
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (next === undefined || (!isDigit(next) && next !== '+' && next !== '-')) {
        return i === 0 ? ['', s] : [s.slice(0, i), s.slice(i)];
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw new UnitsError('exponent too large');
    }
  }
  return [s, ''];
}

/** The checks both `units.parse*` builtins make before splitting, with OPA's messages. */
function resourceAmountAndUnit(s: string, what: string): [string, string] {
  if (s.includes(' ')) throw new UnitsError('spaces not allowed in resource strings');
  const [num, unit] = splitAmountAndUnit(s);
  if (num === '') throw new UnitsError(`no ${what} provided`);
  return [num, unit];
}

/** An exact decimal: value = mant × 10^exp. */
export interface Decimal {
  mant: bigint;
  exp: number;
}

/** Parses a Go big.Rat/big.Float style decimal ("-.5", "1e3", "3.2E4"); undefined if malformed. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return undefined;
  let mant = BigInt((int || '0') + frac);
  if (sign === '-') mant = -mant;
  return { mant, exp: (exp ? Number(exp) : 0) - frac.length };
}

/** Renders numerator/denominator like Go's big.Rat: integer digits, else FloatString(10). */
function renderRational(num: bigint, den: bigint): string {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (num % den === 0n) return (num / den).toString();
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const scale = 10n ** 10n;
  // FloatString rounds half away from zero.
  let q = (abs * scale) / den;
  const r = (abs * scale) % den;
  if (r * 2n >= den) q += 1n;
  const intPart = q / scale;
  const fracPart = (q % scale).toString().padStart(10, '0');
  return `${neg ? '-' : ''}${intPart}.${fracPart}`;
}

function decimalTimes(d: Decimal, num: bigint, den: bigint): [bigint, bigint] {
  let n = d.mant * num;
  let q = den;
  if (d.exp >= 0) n *= 10n ** BigInt(d.exp);
  else q *= 10n ** BigInt(-d.exp);
  return [n, q];
}

/**
 * `units.parse`: SI and binary suffixes, exact result rendered as number text. Only the first
 * letter of the unit is case-sensitive (`m` milli vs `M` mega).
 */
export function parseUnits(raw: string): string {
  const [num, written] = resourceAmountAndUnit(raw.replaceAll('"', ''), 'amount');
  const unit = written.length > 1 ? written[0] + written.slice(1).toLowerCase() : written;
  let factor: [bigint, bigint];
  if (unit === '') factor = [1n, 1n];
  else if (unit === 'm') factor = [1n, 1000n];
  else if (unit === 'M') factor = [SI.m!, 1n];
  else if (unit.length === 1 && SI[unit.toLowerCase()] !== undefined) factor = [SI[unit.toLowerCase()]!, 1n];
  else if (unit.length === 2 && BINARY[unit.toLowerCase()] !== undefined)
    factor = [BINARY[unit.toLowerCase()]!, 1n];
  else throw new UnitsError(`unit ${unit} not recognized`);
  const d = parseDecimal(num);
  if (!d) throw new UnitsError('could not parse amount to a number');
  const [n, q] = decimalTimes(d, factor[0], factor[1]);
  return renderRational(n, q);
}

/** `units.parse_bytes`: case-insensitive units (`mb` = 10^6, `mib` = 2^20), truncated to an integer. */
export function parseBytes(raw: string): bigint {
  const [num, unit] = resourceAmountAndUnit(raw.toLowerCase().replaceAll('"', ''), 'byte amount');
  let factor: bigint;
  if (unit === '') factor = 1n;
  else {
    const base = unit.endsWith('b') ? unit.slice(0, -1) : unit;
    const f = base.length === 1 ? SI[base] : base.length === 2 ? BINARY[base] : undefined;
    if (f === undefined || base === '') throw new UnitsError(`byte unit ${unit} not recognized`);
    factor = f;
  }
  const d = parseDecimal(num);
  if (!d) throw new UnitsError('could not parse byte amount to a number');
  const [n, q] = decimalTimes(d, factor, 1n);
  return n / q; // BigInt division truncates toward zero like big.Float.Int
}
