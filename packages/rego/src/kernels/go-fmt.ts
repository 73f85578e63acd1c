/**
 * Go `fmt.Sprintf` for OPA's `sprintf`. OPA converts each Rego argument to a Go value first
 * (string, int64, *big.Int, float64, or the Rego text of anything else as a string); this
 * module takes those converted arguments and applies Go's verbs, flags, widths and
 * precisions, including Go's `%!v(MISSING)` / `%!(EXTRA …)` diagnostics.
 *
 * Hand-written: JS format libraries (sprintf-js, util.format) follow C/Node conventions, not
 * Go's verbs, flags and `%!` diagnostics, which OPA returns verbatim.
 */

/** A Go operand as OPA hands it to fmt. */
export type GoArg =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: bigint } // int64 when it fits, *big.Int otherwise
  | { kind: 'float'; value: number };

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function isInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

function goTypeName(a: GoArg): string {
  if (a.kind === 'string') return 'string';
  if (a.kind === 'float') return 'float64';
  return isInt64(a.value) ? 'int64' : '*big.Int';
}

function quote(s: string): string {
  // strconv.Quote; kept local so this module stays free of the value model.
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const esc: Record<string, string> = {
      '"': '\\"',
      '\\': '\\\\',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\x07': '\\a',
      '\b': '\\b',
      '\f': '\\f',
      '\v': '\\v',
    };
    if (esc[ch] !== undefined) out += esc[ch];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

function pad(s: string, spec: Spec, numeric = false): string {
  const w = spec.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - len);
  if (spec.zero && numeric) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  }
  if (spec.zero && !numeric) return '0'.repeat(w - len) + s;
  return ' '.repeat(w - len) + s;
}

function signed(neg: boolean, body: string, spec: Spec): string {
  if (neg) return '-' + body;
  if (spec.plus) return '+' + body;
  if (spec.space) return ' ' + body;
  return body;
}

function fmtInt(v: bigint, verb: string, spec: Spec): string | undefined {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let body: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
      body = abs.toString();
      break;
    case 'b':
      body = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      body = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp) prefix = '0';
      break;
    case 'x':
      body = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      body = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(v)), spec);
    case 'q':
      return pad(`'${String.fromCodePoint(Number(v))}'`, spec);
    case 'U':
      return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec);
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    body = body.padStart(spec.prec, '0');
    if (spec.prec === 0 && abs === 0n) body = '';
  }
  const noZero = spec.prec !== undefined ? { ...spec, zero: false } : spec;
  return pad(signed(neg, prefix + body, spec), noZero, true);
}

/** Go's exponent rendering: at least two digits (`e+06`). */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** %e with a precision, via JS then Go's exponent form. */
function expForm(x: number, prec: number, upper: boolean): string {
  const s = goExp(x.toExponential(prec));
  return upper ? s.toUpperCase() : s;
}

/** Go's %g: shortest digits when prec is undefined. */
function gForm(x: number, prec: number | undefined, upper: boolean, sharp = false): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits: string;
  let exp: number;
  if (prec === undefined) {
    const e = x.toExponential(); // shortest round-trip digits
    const m = /^-?(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
    digits = m[1]! + (m[2] ?? '');
    exp = Number(m[3]);
  } else {
    const p = prec === 0 ? 1 : prec;
    const e = x.toExponential(p - 1);
    const m = /^-?(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
    digits = m[1]! + (m[2] ?? '');
    exp = Number(m[3]);
    if (!sharp) digits = digits.replace(/0+$/, '') || '0';
  }
  let eprec = prec === undefined ? 6 : prec === 0 ? 1 : prec;
  if (prec !== undefined && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (prec === undefined) eprec = 6;
  const neg = x < 0 ? '-' : '';
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(exp).toString().padStart(2, '0');
    out = `${neg}${mant}e${exp < 0 ? '-' : '+'}${ee}`;
  } else if (exp < 0) {
    out = `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${neg}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  } else {
    out = `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return upper ? out.toUpperCase() : out;
}

/** %f: toFixed, or an exact expansion of the double beyond toFixed's 100 digits. */
function fixed(x: number, prec: number): string {
  if (prec <= 100) return x.toFixed(prec);
  // x = mant × 2^exp exactly; scale by 10^prec and round half up.
  const neg = x < 0;
  let exp = 0;
  let a = Math.abs(x);
  while (!Number.isInteger(a)) {
    a *= 2;
    exp--;
  }
  const mant = BigInt(a);
  let scaled: bigint;
  if (exp >= 0) scaled = (mant << BigInt(exp)) * 10n ** BigInt(prec);
  else {
    const num = mant * 10n ** BigInt(prec);
    const den = 1n << BigInt(-exp);
    scaled = num / den + ((num % den) * 2n >= den ? 1n : 0n);
  }
  const digits = scaled.toString().padStart(prec + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
}

function fmtFloat(x: number, verb: string, spec: Spec): string | undefined {
  if (Number.isNaN(x)) return pad('NaN', spec);
  if (!Number.isFinite(x)) return pad(signed(x < 0, 'Inf', spec), spec);
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = gForm(x, spec.prec, verb === 'G', spec.sharp);
      break;
    case 'e':
    case 'E':
      s = expForm(x, Math.min(spec.prec ?? 6, 100), verb === 'E');
      break;
    case 'f':
    case 'F':
      s = fixed(x, spec.prec ?? 6);
      break;
    default:
      return undefined;
  }
  const neg = s.startsWith('-');
  return pad(signed(neg, neg ? s.slice(1) : s, spec), spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
      return pad(s, spec);
    case 'q':
      return pad(spec.sharp && !s.includes('`') ? '`' + s + '`' : quote(s), spec);
    case 'x':
    case 'X': {
      const hex = [...Buffer.from(s, 'utf8')]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(spec.space ? ' ' : '');
      return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
    }
    default:
      return undefined;
  }
}

function argText(a: GoArg): string {
  if (a.kind === 'string') return a.value;
  if (a.kind === 'int') return a.value.toString();
  return gForm(a.value, undefined, false);
}

function formatOne(a: GoArg, verb: string, spec: Spec): string {
  let out: string | undefined;
  if (verb === 'T') return pad(goTypeName(a), spec);
  if (a.kind === 'string') out = fmtString(a.value, verb, spec);
  else if (a.kind === 'float') out = fmtFloat(a.value, verb, spec);
  else if (!isInt64(a.value) && verb === 's') out = pad(a.value.toString(), spec);
  else if (!isInt64(a.value) && !'bodxXv'.includes(verb)) out = undefined;
  else out = fmtInt(a.value, verb, spec);
  if (out !== undefined) return out;
  const t = a.kind === 'int' && !isInt64(a.value) ? 'big.Int' : goTypeName(a);
  return `%!${verb}(${t}=${argText(a)})`;
}

/** Go's `fmt.Sprintf(format, args...)`. */
export function goSprintf(format: string, args: GoArg[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = !spec.minus;
      else break;
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m) {
        argi = Number(m[1]) - 1;
        reordered = true;
        i += m[0].length;
      }
    };
    argIndex();
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return a && a.kind === 'int' ? Number(a.value) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    // Go rejects widths and precisions above 1e6 (and so avoids huge allocations).
    let bad = '';
    if (spec.width !== undefined && spec.width > 1e6) {
      bad = '%!(BADWIDTH)';
      spec.width = undefined;
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      spec.prec = num() ?? 0;
      if (spec.prec > 1e6) {
        bad = '%!(BADPREC)';
        spec.prec = undefined;
      }
    }
    out += bad;
    argIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[argi];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argi++;
    out += formatOne(a, verb, spec);
  }
  if (!reordered && argi < args.length) {
    out +=
      '%!(EXTRA ' +
      args
        .slice(argi)
        .map((a) => `${goTypeName(a)}=${argText(a)}`)
        .join(', ') +
      ')';
  }
  return out;
}
