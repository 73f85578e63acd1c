// Slack message timestamps ("1700000000.000100"): ids that sort by time. They are compared as
// numbers of microseconds, because string order breaks as soon as a caller writes "1700000000.0001"
// or an integer number of seconds (which oldest/latest accept).

const TS = /^\d{1,12}(\.\d{1,6})?$/;

/** Whether `s` is a timestamp Slack accepts: seconds, optionally with up to six decimals. */
export function isTs(s: string): boolean {
  return TS.test(s);
}

/** The timestamp as microseconds since the epoch; only call it on strings `isTs` accepts. */
export function tsMicros(s: string): bigint {
  const [seconds, fraction = ''] = s.split('.');
  return BigInt(seconds!) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

export function compareTs(a: string, b: string): number {
  const d = tsMicros(a) - tsMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
