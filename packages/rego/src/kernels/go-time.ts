/**
 * Go `time` semantics for OPA's `time.*` builtins: reference-time layouts ("2006-01-02T15:04:05Z07:00")
 * for formatting and parsing, `ParseDuration`, calendar arithmetic (`AddDate`, `Date`, `Clock`) and
 * IANA time zones through `Intl`. Instants are Unix seconds (a safe JS integer for any year Go's
 * int64 nanoseconds can express) plus a nanosecond part, so nothing is rounded to doubles.
 *
 * Hand-written: JS date libraries (date-fns, Luxon, dayjs) use token layouts, not Go's
 * reference-time layouts, and cannot carry int64 nanoseconds.
 */

/** A failure message for the builtin; the caller prefixes the builtin name. */
export class TimeError extends Error {}

// ---------------------------------------------------------------------------------------------
// Zones

/** A time zone: a name plus the UTC offset (seconds east) and abbreviation in force at an instant. */
export interface Zone {
  name: string;
  offsetAt(unixSec: number): number;
  abbrevAt(unixSec: number): string;
}

/** Coordinated Universal Time. */
const UTC: Zone = { name: 'UTC', offsetAt: () => 0, abbrevAt: () => 'UTC' };

/** A zone with one fixed offset, as Go's `FixedZone`. */
function fixedZone(abbrev: string, offset: number): Zone {
  return { name: abbrev, offsetAt: () => offset, abbrevAt: () => abbrev };
}

const zoneCache = new Map<string, Zone>();
const ABBREV_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-NZ', 'en-ZA', 'ja-JP', 'en-IE', 'en-SG'];

/**
 * Loads a zone by IANA name like Go's `LoadLocation`: "" and "UTC" are UTC, "Local" is the host
 * zone. Throws `unknown time zone X` for names Intl does not know.
 */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let iana = name;
  if (name === 'Local') iana = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  let fmt: Intl.DateTimeFormat;
  let abbrFmts: Intl.DateTimeFormat[];
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: iana,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    // tzdata abbreviations ("CET", "IST", "JST") only show in some locales' short names.
    abbrFmts = ABBREV_LOCALES.map(
      (l) => new Intl.DateTimeFormat(l, { timeZone: iana, timeZoneName: 'short' }),
    );
  } catch {
    throw new TimeError(`unknown time zone ${name}`);
  }
  // Offsets change on quarter-hour boundaries at the finest, so they are cached per 15 minutes:
  // Intl formatting costs microseconds and policies ask for the same instants repeatedly.
  const offsets = new Map<number, number>();
  const offsetAt = (unixSec: number): number => {
    const bucket = Math.floor(unixSec / 900);
    let off = offsets.get(bucket);
    if (off === undefined) {
      const ms = bucket * 900 * 1000;
      const parts: Record<string, string> = {};
      for (const p of fmt.formatToParts(ms)) parts[p.type] = p.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const wall =
        daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 +
        Number(parts.hour) * 3600 +
        Number(parts.minute) * 60 +
        Number(parts.second);
      off = wall - bucket * 900;
      if (offsets.size > 4096) offsets.clear();
      offsets.set(bucket, off);
    }
    return off;
  };
  const zone: Zone = {
    name,
    offsetAt,
    abbrevAt(unixSec: number) {
      const offset = offsetAt(unixSec);
      for (const f of abbrFmts) {
        const short = f.formatToParts(unixSec * 1000).find((p) => p.type === 'timeZoneName')?.value ?? '';
        if (/^[A-Z]{2,5}$/.test(short) && (short !== 'GMT' || offset === 0)) return short;
      }
      return numericAbbrev(offset);
    },
  };
  zoneCache.set(name, zone);
  return zone;
}

// tzdata names zones without a letter abbreviation by their offset ("+0530", "+03").
function numericAbbrev(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  return `${sign}${pad(h, 2)}${m ? pad(m, 2) : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Civil calendar (proleptic Gregorian), days since 1970-01-01

/** Days since the Unix epoch of a (possibly unnormalised) proleptic-Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  // Normalise the month first so AddDate-style overflow (month 14, day 0) works.
  y += Math.floor((m - 1) / 12);
  m = ((((m - 1) % 12) + 12) % 12) + 1;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + (d - 1);
}

/** The [year, month (1-12), day] of a day count since the Unix epoch. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in a month of a year. */
function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Instants

/** An instant (Unix seconds + nanoseconds) viewed in a zone. */
export interface GoTime {
  sec: number;
  nsec: number;
  zone: Zone;
}

const NS = 1_000_000_000n;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;

/** The instant of a Unix nanosecond timestamp. */
export function fromUnixNano(ns: bigint, zone: Zone = UTC): GoTime {
  let sec = ns / NS;
  let nsec = ns % NS;
  if (nsec < 0n) {
    nsec += NS;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec), zone };
}

/** Unix nanoseconds of an instant; throws `time outside of valid range` beyond int64. */
export function toUnixNano(t: GoTime): bigint {
  const ns = BigInt(t.sec) * NS + BigInt(t.nsec);
  if (ns < MIN_I64 || ns > MAX_I64) throw new TimeError('time outside of valid range');
  return ns;
}

/** Wall-clock fields of an instant in its zone. */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
  weekday: number; // 0 = Sunday
  yday: number; // 1-based
  offset: number;
}

/** Breaks an instant into wall-clock fields in its zone. */
export function fields(t: GoTime): Fields {
  const offset = t.zone.offsetAt(t.sec);
  const wall = t.sec + offset;
  const days = Math.floor(wall / 86400);
  const secOfDay = wall - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nsec: t.nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
  };
}

/**
 * Go's `time.Date`: builds an instant from (possibly overflowing) wall-clock fields in a zone,
 * resolving the zone offset at that wall time.
 */
function dateIn(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nsec: number,
  zone: Zone,
): GoTime {
  second += Math.floor(nsec / 1e9);
  nsec = ((nsec % 1e9) + 1e9) % 1e9;
  const wall = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  let offset = zone.offsetAt(wall);
  if (offset !== 0) {
    const guess = zone.offsetAt(wall - offset);
    if (guess !== offset) offset = guess;
  }
  return { sec: wall - offset, nsec, zone };
}

/** Go's `AddDate`: adds years, months and days to the wall-clock date, normalising overflow. */
export function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const f = fields(t);
  return dateIn(f.year + years, f.month + months, f.day + days, f.hour, f.minute, f.second, f.nsec, t.zone);
}

/** OPA's `time.diff`: [years, months, days, hours, minutes, seconds] between two instants. */
export function diff(a: GoTime, b: GoTime): number[] {
  let t1 = a;
  let t2: GoTime = { ...b, zone: a.zone };
  if (t1.sec > t2.sec || (t1.sec === t2.sec && t1.nsec > t2.nsec)) [t1, t2] = [t2, t1];
  const f1 = fields(t1);
  const f2 = fields(t2);
  let year = f2.year - f1.year;
  let month = f2.month - f1.month;
  let day = f2.day - f1.day;
  let hour = f2.hour - f1.hour;
  let min = f2.minute - f1.minute;
  let sec = f2.second - f1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    day += daysIn(f1.month, f1.year);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

/** English weekday names, Sunday first. */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** English month names, January first. */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// ---------------------------------------------------------------------------------------------
// Layouts

/** Go's named layouts, accepted by OPA where a layout is expected. */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
};

type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'Frac0'
  | 'Frac9';

interface Chunk {
  prefix: string;
  std?: Std;
  text: string; // the layout text of the std element
  digits?: number; // fractional-second digits
  sep?: string; // '.' or ','
  suffix: string;
}

const ZONE_STDS: [string, Std][] = [
  ['Z070000', 'ISO8601SecondsTZ'],
  ['Z07:00:00', 'ISO8601ColonSecondsTZ'],
  ['Z0700', 'ISO8601TZ'],
  ['Z07:00', 'ISO8601ColonTZ'],
  ['Z07', 'ISO8601ShortTZ'],
  ['-070000', 'NumSecondsTz'],
  ['-07:00:00', 'NumColonSecondsTZ'],
  ['-0700', 'NumTZ'],
  ['-07:00', 'NumColonTZ'],
  ['-07', 'NumShortTZ'],
];

/** Finds the first layout element, like Go's nextStdChunk. */
function nextChunk(layout: string): Chunk {
  const isDigit = (i: number): boolean => i < layout.length && layout[i]! >= '0' && layout[i]! <= '9';
  // Declared once, not per character: long literal layouts are scanned character by character.
  let i = 0;
  const at = (s: string): boolean => layout.startsWith(s, i);
  const hit = (std: Std, len: number): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    text: layout.slice(i, i + len),
    suffix: layout.slice(i + len),
  });
  for (; i < layout.length; i++) {
    const c = layout[i]!;
    switch (c) {
      case 'J':
        if (at('January')) return hit('LongMonth', 7);
        if (at('Jan')) return hit('Month', 3);
        break;
      case 'M':
        if (at('Monday')) return hit('LongWeekDay', 6);
        if (at('Mon')) return hit('WeekDay', 3);
        if (at('MST')) return hit('TZ', 3);
        break;
      case '0':
        if (layout[i + 1] !== undefined && layout[i + 1]! >= '1' && layout[i + 1]! <= '6') {
          const stds: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
          return hit(stds[Number(layout[i + 1]) - 1]!, 2);
        }
        if (at('002')) return hit('ZeroYearDay', 3);
        break;
      case '1':
        if (at('15')) return hit('Hour', 2);
        return hit('NumMonth', 1);
      case '2':
        if (at('2006')) return hit('LongYear', 4);
        return hit('Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) {
            return {
              prefix: layout.slice(0, i + 1),
              std: 'LongYear',
              text: '2006',
              suffix: layout.slice(i + 5),
            };
          }
          return hit('UnderDay', 2);
        }
        if (at('__2')) return hit('UnderYearDay', 3);
        break;
      case '3':
        return hit('Hour12', 1);
      case '4':
        return hit('Minute', 1);
      case '5':
        return hit('Second', 1);
      case 'P':
        if (at('PM')) return hit('PM', 2);
        break;
      case 'p':
        if (at('pm')) return hit('pm', 2);
        break;
      case '-':
      case 'Z':
        for (const [text, std] of ZONE_STDS) {
          const t = c === 'Z' ? text : text;
          if ((c === 'Z') === text.startsWith('Z') && at(t)) return hit(std, t.length);
        }
        break;
      case '.':
      case ',':
        if (layout[i + 1] === '0' || layout[i + 1] === '9') {
          const ch = layout[i + 1]!;
          let j = i + 1;
          while (layout[j] === ch) j++;
          if (!isDigit(j)) {
            return {
              prefix: layout.slice(0, i),
              std: ch === '0' ? 'Frac0' : 'Frac9',
              text: layout.slice(i, j),
              digits: j - i - 1,
              sep: c,
              suffix: layout.slice(j),
            };
          }
        }
        break;
    }
  }
  return { prefix: layout, text: '', suffix: '' };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** Go's `Time.Format`. */
export function formatTime(t: GoTime, layout: string): string {
  const f = fields(t);
  let out = '';
  let rest = layout;
  while (rest !== '') {
    const ch = nextChunk(rest);
    out += ch.prefix;
    if (!ch.std) break;
    rest = ch.suffix;
    switch (ch.std) {
      case 'Year':
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case 'LongYear':
        out += pad(f.year, 4);
        break;
      case 'Month':
        out += MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case 'LongMonth':
        out += MONTHS[f.month - 1]!;
        break;
      case 'NumMonth':
        out += String(f.month);
        break;
      case 'ZeroMonth':
        out += pad(f.month, 2);
        break;
      case 'WeekDay':
        out += WEEKDAYS[f.weekday]!.slice(0, 3);
        break;
      case 'LongWeekDay':
        out += WEEKDAYS[f.weekday]!;
        break;
      case 'Day':
        out += String(f.day);
        break;
      case 'UnderDay':
        out += f.day < 10 ? ` ${f.day}` : String(f.day);
        break;
      case 'ZeroDay':
        out += pad(f.day, 2);
        break;
      case 'UnderYearDay':
        out += String(f.yday).padStart(3, ' ');
        break;
      case 'ZeroYearDay':
        out += pad(f.yday, 3);
        break;
      case 'Hour':
        out += pad(f.hour, 2);
        break;
      case 'Hour12':
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case 'ZeroHour12':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case 'Minute':
        out += String(f.minute);
        break;
      case 'ZeroMinute':
        out += pad(f.minute, 2);
        break;
      case 'Second':
        out += String(f.second);
        break;
      case 'ZeroSecond':
        out += pad(f.second, 2);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'TZ': {
        const abbrev = t.zone.abbrevAt(t.sec);
        if (abbrev !== '') out += abbrev;
        else out += formatOffset(f.offset, 'NumTZ');
        break;
      }
      case 'Frac0':
      case 'Frac9': {
        const digits = String(f.nsec).padStart(9, '0').slice(0, ch.digits);
        if (ch.std === 'Frac0') out += ch.sep! + digits;
        else {
          const trimmed = digits.replace(/0+$/, '');
          if (trimmed !== '') out += ch.sep! + trimmed;
        }
        break;
      }
      default:
        if (ch.std.startsWith('ISO8601') && f.offset === 0) out += 'Z';
        else out += formatOffset(f.offset, ch.std);
    }
  }
  return out;
}

function formatOffset(offset: number, std: Std): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = pad(abs % 60, 2);
  const colon = std.includes('Colon');
  const withSeconds = std.includes('Seconds');
  const short = std.includes('Short');
  let out = sign + h;
  if (!short) out += (colon ? ':' : '') + m;
  if (withSeconds) out += (colon ? ':' : '') + s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseFail(
  layout: string,
  value: string,
  valueElem: string,
  layoutElem: string,
  msg = '',
): TimeError {
  if (msg !== '') return new TimeError(`parsing time ${goQuote(value)}${msg}`);
  return new TimeError(
    `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`,
  );
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

// Reads 1-2 digits (exactly 2 when fixed).
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) {
    if (fixed) return undefined;
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

// Matches layout literal text, where a run of spaces matches any run of spaces. Walks both
// strings by index: slicing per character made long layouts slow.
function skip(value: string, prefix: string): string | undefined {
  let v = 0;
  let p = 0;
  while (p < prefix.length) {
    if (prefix[p] === ' ') {
      if (v < value.length && value[v] !== ' ') return undefined;
      while (prefix[p] === ' ') p++;
      while (value[v] === ' ') v++;
      continue;
    }
    if (v >= value.length || value[v] !== prefix[p]) return undefined;
    p++;
    v++;
  }
  return value.slice(v);
}

function lookupName(names: string[], value: string, len?: number): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const n = len ? names[i]!.slice(0, len) : names[i]!;
    if (value.length >= n.length && value.slice(0, n.length).toLowerCase() === n.toLowerCase()) {
      return [i, value.slice(n.length)];
    }
  }
  return undefined;
}

function parseNanos(value: string, nbytes: number): number | undefined {
  if (value[0] !== '.' && value[0] !== ',') return undefined;
  if (nbytes > 10) nbytes = 10;
  const digits = value.slice(1, nbytes);
  if (!/^\d*$/.test(digits)) return undefined;
  return Number(digits.padEnd(9, '0'));
}

// Go's parseTimeZone: a plausible zone abbreviation at the start of value; returns its length.
function zoneAbbrevLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.length >= 4 && (value.startsWith('ChST') || value.startsWith('MeST'))) return 4;
  if (value.startsWith('GMT')) {
    return 3 + gmtSuffixLength(value.slice(3));
  }
  if (value[0] === '+' || value[0] === '-') {
    // Numeric abbreviations such as "+03" or "-0330".
    let n = 1;
    while (isDigitAt(value, n)) n++;
    return n === 3 || n === 5 ? n : 0;
  }
  let n = 0;
  while (n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 3) return 3;
  if (n === 4 && value[3] === 'T') return 4;
  if (n === 5 && value[4] === 'T') return 5;
  return 0;
}

function gmtSuffixLength(v: string): number {
  if (v.length === 0 || (v[0] !== '+' && v[0] !== '-')) return 0;
  let n = 1;
  while (isDigitAt(v, n)) n++;
  const x = Number(v.slice(1, n));
  if (n === 1 || x > 24) return 0;
  return n;
}

/**
 * Go's `time.Parse(layout, value)` with UTC as the default zone. Returns the instant; zone
 * abbreviations that carry no offset read as UTC, like Go in a UTC location.
 */
export function parseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let year = 1;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  let zoneUTC = false;
  let rest = layout;
  for (;;) {
    const ch = nextChunk(rest);
    const stdstr = ch.text;
    const v = skip(value, ch.prefix);
    if (v === undefined) throw parseFail(alayout, avalue, value, ch.prefix);
    value = v;
    if (!ch.std) {
      if (value.length !== 0) throw parseFail(alayout, avalue, '', '', `: extra text: ${goQuote(value)}`);
      break;
    }
    rest = ch.suffix;
    const hold = value;
    let range = '';
    let ok = true;
    const num = (r: [number, string] | undefined): number => {
      if (!r) {
        ok = false;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (ch.std) {
      case 'Year':
        if (value.length < 2 || !isDigitAt(value, 0) || !isDigitAt(value, 1)) {
          ok = false;
          break;
        }
        year = Number(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      case 'LongYear':
        if (value.length < 4 || !/^\d{4}/.test(value)) {
          ok = false;
          break;
        }
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'Month':
      case 'LongMonth': {
        const r = lookupName(MONTHS, value, ch.std === 'Month' ? 3 : undefined);
        month = num(r ? [r[0] + 1, r[1]] : undefined);
        break;
      }
      case 'NumMonth':
      case 'ZeroMonth':
        month = num(getnum(value, ch.std === 'ZeroMonth'));
        if (ok && (month <= 0 || month > 12)) range = 'month';
        break;
      case 'WeekDay':
      case 'LongWeekDay':
        num(lookupName(WEEKDAYS, value, ch.std === 'WeekDay' ? 3 : undefined));
        break;
      case 'Day':
      case 'UnderDay':
      case 'ZeroDay':
        if (ch.std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
        day = num(getnum(value, ch.std === 'ZeroDay'));
        break;
      case 'UnderYearDay':
      case 'ZeroYearDay':
        for (let i = 0; i < 2; i++) {
          if (ch.std === 'UnderYearDay' && value[0] === ' ') value = value.slice(1);
        }
        yday = num(getnum3(value, ch.std === 'ZeroYearDay'));
        break;
      case 'Hour':
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) range = 'hour';
        break;
      case 'Hour12':
      case 'ZeroHour12':
        hour = num(getnum(value, ch.std === 'ZeroHour12'));
        if (hour < 0 || hour > 12) range = 'hour';
        break;
      case 'Minute':
      case 'ZeroMinute':
        min = num(getnum(value, ch.std === 'ZeroMinute'));
        if (min < 0 || min >= 60) range = 'minute';
        break;
      case 'Second':
      case 'ZeroSecond': {
        sec = num(getnum(value, ch.std === 'ZeroSecond'));
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range = 'second';
          break;
        }
        // A fractional second in the value that the layout does not spell out.
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
          const next = nextChunk(rest);
          if (next.std === 'Frac0' || next.std === 'Frac9') break;
          let n = 2;
          while (isDigitAt(value, n)) n++;
          nsec = parseNanos(value, n) ?? 0;
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const p = value.slice(0, 2);
        const want = ch.std === 'PM' ? ['PM', 'AM'] : ['pm', 'am'];
        if (p === want[0]) pmSet = true;
        else if (p === want[1]) amSet = true;
        else ok = false;
        if (ok) value = value.slice(2);
        break;
      }
      case 'TZ': {
        if (value.startsWith('UTC')) {
          zoneUTC = true;
          value = value.slice(3);
          break;
        }
        const n = zoneAbbrevLength(value);
        if (n === 0) {
          ok = false;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case 'Frac0': {
        const ndigit = 1 + ch.digits!;
        if (value.length < ndigit) {
          ok = false;
          break;
        }
        const n = parseNanos(value, ndigit);
        if (n === undefined) ok = false;
        else {
          nsec = n;
          value = value.slice(ndigit);
        }
        break;
      }
      case 'Frac9': {
        if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
        let i = 0;
        while (isDigitAt(value, i + 1)) i++;
        nsec = parseNanos(value, 1 + i) ?? 0;
        value = value.slice(1 + i);
        break;
      }
      default: {
        // Numeric zone offsets.
        if (ch.std.startsWith('ISO8601') && value[0] === 'Z') {
          value = value.slice(1);
          zoneUTC = true;
          break;
        }
        const colon = ch.std.includes('Colon');
        const seconds = ch.std.includes('Seconds');
        const short = ch.std.includes('Short');
        let re: RegExp;
        if (short) re = /^([+-])(\d\d)/;
        else if (colon) re = seconds ? /^([+-])(\d\d):(\d\d):(\d\d)/ : /^([+-])(\d\d):(\d\d)/;
        else re = seconds ? /^([+-])(\d\d)(\d\d)(\d\d)/ : /^([+-])(\d\d)(\d\d)/;
        const m = re.exec(value);
        if (!m) {
          ok = false;
          break;
        }
        const hh = Number(m[2]);
        const mm = Number(m[3] ?? 0);
        const ss = Number(m[4] ?? 0);
        if (hh > 24 || mm > 60 || ss > 60) range = 'time zone offset';
        zoneOffset = (hh * 3600 + mm * 60 + ss) * (m[1] === '-' ? -1 : 1);
        value = value.slice(m[0].length);
      }
    }
    if (range !== '') throw parseFail(alayout, avalue, '', '', `: ${range} out of range`);
    if (!ok) throw parseFail(alayout, avalue, hold, stdstr);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let m = 0;
    let d = yday;
    if (d < 1 || d > (isLeap(year) ? 366 : 365))
      throw parseFail(alayout, avalue, '', '', ': day-of-year out of range');
    if (month < 0) {
      m = 1;
      while (d > daysIn(m, year)) {
        d -= daysIn(m, year);
        m++;
      }
      if (day >= 0 && day !== d) throw parseFail(alayout, avalue, '', '', ': day-of-year does not match day');
      month = m;
      day = d;
    } else {
      let total = 0;
      for (let i = 1; i < month; i++) total += daysIn(i, year);
      if (month < 1 || day !== yday - total)
        throw parseFail(alayout, avalue, '', '', ': day-of-year does not match month');
    }
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseFail(alayout, avalue, '', '', ': day out of range');
  if (zoneUTC) return dateIn(year, month, day, hour, min, sec, nsec, UTC);
  if (zoneOffset !== undefined) {
    const t = dateIn(year, month, day, hour, min, sec, nsec, UTC);
    return { sec: t.sec - zoneOffset, nsec: t.nsec, zone: fixedZone('', zoneOffset) };
  }
  if (zoneName !== '') {
    let offset = 0;
    if (zoneName.startsWith('GMT') && zoneName.length > 3) offset = Number(zoneName.slice(3)) * 3600;
    else if (zoneName[0] === '+' || zoneName[0] === '-') {
      const digits = zoneName.slice(1);
      offset =
        (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || 0) * 60) *
        (zoneName[0] === '-' ? -1 : 1);
    }
    const t = dateIn(year, month, day, hour, min, sec, nsec, UTC);
    return { sec: t.sec - offset, nsec: t.nsec, zone: fixedZone(zoneName, offset) };
  }
  return dateIn(year, month, day, hour, min, sec, nsec, UTC);
}

// ---------------------------------------------------------------------------------------------
// Durations

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n, // U+00B5
  μs: 1000n, // U+03BC
  ms: 1_000_000n,
  s: NS,
  m: 60n * NS,
  h: 3600n * NS,
};

/** Go's `time.ParseDuration`, in nanoseconds ("1h30m", "-1.5s", "300ms"). */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = (): TimeError => new TimeError(`time: invalid duration ${goQuote(orig)}`);
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1] ?? '';
    const frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) throw bad();
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s);
    if (!u) throw new TimeError(`time: missing unit in duration ${goQuote(orig)}`);
    const unit = UNIT_NS[u[0]];
    if (unit === undefined)
      throw new TimeError(`time: unknown unit ${goQuote(u[0])} in duration ${goQuote(orig)}`);
    s = s.slice(u[0].length);
    let v = BigInt(intPart || '0') * unit;
    if (frac) {
      // Fractions truncate toward zero at nanosecond resolution, like Go.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > 1n << 63n) throw bad();
  }
  if (!neg && total > MAX_I64) throw bad();
  return neg ? -total : total;
}
