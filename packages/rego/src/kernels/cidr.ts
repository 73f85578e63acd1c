/**
 * IP addresses and CIDR networks with Go `net` semantics (ParseIP, ParseCIDR, IPNet.Contains,
 * IP.String), plus OPA's `net.cidr_merge` range merging. Addresses are bigints; IPv4 addresses
 * live in a 32-bit space and are compared with IPv6 through the IPv4-mapped prefix ::ffff:0:0/96.
 *
 * Hand-written: ipaddr.js and similar follow WHATWG/inet_aton parsing, not Go's ParseIP (no
 * octal or short IPv4 forms, Go's IPv4-in-IPv6 rules), and have no CIDR merging.
 */

/** A parsed IP address. `v4` means Go's `To4()` is non-nil (IPv4 or IPv4-mapped IPv6). */
export interface IP {
  v4: boolean;
  /** 32-bit value for v4, 128-bit otherwise. */
  value: bigint;
}

/** A network as Go's IPNet: address (possibly unmasked) and prefix length in its family. */
export interface Net {
  ip: IP;
  prefix: number;
}

const V4_MAPPED = 0xffffn << 32n;

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Go rejects empty fields, more than 3 digits and leading zeros.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  let tail4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

// Policies test the same few addresses and networks over and over: memoise parsing.
const ipCache = new Map<string, IP | null>();
const netCache = new Map<string, Net | null>();

function memo<T>(cache: Map<string, T | null>, key: string, f: () => T | undefined): T | undefined {
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const v = f();
  if (cache.size > 2048) cache.clear();
  cache.set(key, v ?? null);
  return v;
}

/** Go's net.ParseIP; undefined when invalid. */
export function parseIP(s: string): IP | undefined {
  return memo(ipCache, s, () => parseIPUncached(s));
}

function parseIPUncached(s: string): IP | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { v4: true, value: v4 };
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { v4: true, value: v6 & 0xffffffffn };
  return { v4: false, value: v6 };
}

/** Bits of the address family. */
function bitsOf(ip: IP): number {
  return ip.v4 ? 32 : 128;
}

/** Go's net.ParseCIDR: the masked network; undefined when invalid. */
export function parseCIDR(s: string): Net | undefined {
  return memo(netCache, s, () => parseCIDRUncached(s));
}

function parseCIDRUncached(s: string): Net | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const pfx = s.slice(slash + 1);
  if (!/^\d+$/.test(pfx)) return undefined;
  const ip4 = parseIPv4(addr);
  let ip: IP;
  if (ip4 !== undefined) ip = { v4: true, value: ip4 };
  else {
    if (!addr.includes(':')) return undefined;
    const v6 = parseIPv6(addr);
    if (v6 === undefined) return undefined;
    ip = { v4: false, value: v6 };
  }
  const bits = ip.v4 ? 32 : 128;
  const prefix = Number(pfx);
  if (prefix > bits) return undefined;
  return { ip: { v4: ip.v4, value: ip.value & maskOf(prefix, bits) }, prefix };
}

function maskOf(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

const ranges = new WeakMap<Net, [bigint, bigint]>();

/** First and last address of a network, in its own family (memoised per network). */
export function range(n: Net): [bigint, bigint] {
  let r = ranges.get(n);
  if (!r) {
    const bits = bitsOf(n.ip);
    const first = n.ip.value & maskOf(n.prefix, bits);
    r = [first, first | ((1n << BigInt(bits - n.prefix)) - 1n)];
    ranges.set(n, r);
  }
  return r;
}

/** Go's IPNet.Contains: IPv4 networks match IPv4 and IPv4-mapped addresses only. */
export function contains(n: Net, ip: IP): boolean {
  if (n.ip.v4 !== ip.v4) return false;
  const [first, last] = range(n);
  return ip.value >= first && ip.value <= last;
}

/** Go's IP.String (RFC 5952 for IPv6, dotted quad for IPv4 and IPv4-mapped). */
export function ipString(ip: IP): string {
  if (ip.v4) {
    const v = Number(ip.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // Longest run of at least two zero groups; the first wins ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Go's IPNet.String. */
export function netString(n: Net): string {
  return `${ipString(n.ip)}/${n.prefix}`;
}

/** All addresses of a network as strings (network and broadcast included). */
export function expand(n: Net): string[] {
  const [first, last] = range(n);
  const out: string[] = [];
  for (let v = first; v <= last; v++) out.push(ipString({ v4: n.ip.v4, value: v }));
  return out;
}

// Position in the unified 128-bit space (IPv4 mapped).
function unified(v: bigint, v4: boolean): bigint {
  return v4 ? V4_MAPPED | v : v;
}

/** Smallest list of networks covering [first, last] in one family. */
function rangeToNets(first: bigint, last: bigint, v4: boolean): Net[] {
  const bits = v4 ? 32 : 128;
  const out: Net[] = [];
  let cur = first;
  while (cur <= last) {
    let size = 0;
    while (size < bits) {
      const block = 1n << BigInt(size + 1);
      if (cur % block !== 0n || cur + block - 1n > last) break;
      size++;
    }
    out.push({ ip: { v4, value: cur }, prefix: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}

/** OPA's net.cidr_merge over parsed networks: merges overlapping and adjacent ranges. */
export function mergeNets(nets: Net[]): Net[] {
  interface R {
    first: bigint;
    last: bigint;
    v4: boolean;
    net?: Net;
  }
  const ranges: R[] = nets.map((n) => {
    const [f, l] = range(n);
    return { first: unified(f, n.ip.v4), last: unified(l, n.ip.v4), v4: n.ip.v4, net: n };
  });
  ranges.sort((a, b) =>
    a.last < b.last ? -1 : a.last > b.last ? 1 : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    const before = cur.first === 0n ? 0n : cur.first - 1n;
    if (before <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last, v4: cur.v4 };
      ranges.splice(i, 1);
    }
  }
  const out: Net[] = [];
  for (const r of ranges) {
    if (r.net) out.push(r.net);
    else {
      const strip = (v: bigint): bigint => (r.v4 ? v & 0xffffffffn : v);
      out.push(...rangeToNets(strip(r.first), strip(r.last), r.v4));
    }
  }
  return out;
}

/** Go's IP.DefaultMask prefix (classful) for an IPv4 address. */
export function defaultPrefix(ip: IP): number {
  const first = Number(ip.value >> 24n);
  if (first < 0x80) return 8;
  if (first < 0xc0) return 16;
  return 24;
}
