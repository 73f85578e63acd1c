// Go's `time.Duration.String()`, the form `opa test` prints test durations in (`172.75µs`, `1.5s`,
// `1m2.5s`): the largest unit below a second, otherwise hours, minutes and fractional seconds.

const SECOND = 1_000_000_000n;

/** A duration in nanoseconds as Go prints it. */
export function goDuration(nanoseconds: number | bigint): string {
  let ns = BigInt(Math.round(Number(nanoseconds)));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < SECOND) {
    if (ns < 1000n) return `${sign}${ns}ns`;
    if (ns < 1_000_000n) return `${sign}${fraction(ns, 1000n)}µs`;
    return `${sign}${fraction(ns, 1_000_000n)}ms`;
  }
  const minutes = ns / (60n * SECOND);
  const seconds = fraction(ns % (60n * SECOND), SECOND) + 's';
  if (minutes === 0n) return sign + seconds;
  const hours = minutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${seconds}`;
}

/** `value / unit` with the fraction's trailing zeros (and a bare point) dropped. */
function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return String(whole);
  const digits = String(rest)
    .padStart(String(unit).length - 1, '0')
    .replace(/0+$/, '');
  return `${whole}.${digits}`;
}
