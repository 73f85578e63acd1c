// net.cidr_* builtins (OPA `cidr.go`), on the Go `net` model in ../kernels/cidr.ts, and
// net.lookup_ip_addr without DNS: policies get no network access in Liftoff, so only IP
// literals and the reserved name `localhost` (RFC 6761) resolve.
import { ObjectValue, SetValue, type Value } from '../value.js';
import {
  contains,
  ipString,
  defaultPrefix,
  expand,
  mergeNets,
  netString,
  parseCIDR,
  parseIP,
  range,
  type Net,
} from '../kernels/cidr.js';
import { BuiltinError, expectString, operandError, type BuiltinDef, type BuiltinFn } from './registry.js';

function cidrOperand(args: Value[], i: number): Net {
  const s = expectString(args, i);
  const n = parseCIDR(s);
  if (!n) throw new BuiltinError(`invalid CIDR address: ${s}`);
  return n;
}

function containsCidrOrIP(a: Net, s: string): boolean {
  const ip = parseIP(s);
  if (ip) return contains(a, ip);
  const b = parseCIDR(s);
  if (!b) throw new BuiltinError(`not a valid textual representation of an IP address or CIDR: ${s}`);
  const [first, last] = range(b);
  return contains(a, { v4: b.ip.v4, value: first }) && contains(a, { v4: b.ip.v4, value: last });
}

// Elements of a cidr_contains_matches operand: [cidr string, index term].
function matchOperand(v: Value, pos: number): Array<[Value, Value]> {
  const cidrOf = (x: Value): Value => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x) && x.length > 0) return x[0]!;
    throw new BuiltinError(`operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [cidrOf(x), i]);
  if (v instanceof SetValue) return v.values().map((x) => [cidrOf(x), x]);
  if (v instanceof ObjectValue) return v.entries().map(([k, x]) => [cidrOf(x), k]);
  throw operandError(pos, 'one of {string, array, set, object}', v);
}

const cidrContains: BuiltinFn = (args) => containsCidrOrIP(cidrOperand(args, 0), expectString(args, 1));

/** The `net` builtins. */
export const netBuiltins: BuiltinDef[] = [
  { name: 'net.cidr_contains', arity: 2, fn: cidrContains },
  // Deprecated (v0) alias of net.cidr_contains.
  { name: 'net.cidr_overlap', arity: 2, fn: cidrContains },
  {
    name: 'net.cidr_intersects',
    arity: 2,
    fn: (args) => {
      const a = cidrOperand(args, 0);
      const b = cidrOperand(args, 1);
      return (
        contains(a, { v4: b.ip.v4, value: range(b)[0] }) || contains(b, { v4: a.ip.v4, value: range(a)[0] })
      );
    },
  },
  {
    name: 'net.cidr_is_valid',
    arity: 1,
    fn: (args) => typeof args[0] === 'string' && parseCIDR(args[0]) !== undefined,
  },
  {
    name: 'net.cidr_expand',
    arity: 1,
    fn: (args, ctx) => {
      const n = cidrOperand(args, 0);
      const bits = n.ip.v4 ? 32 : 128;
      // Charged to the evaluation budget up front; the cap guards evaluations without a budget.
      if (bits - n.prefix > 24)
        throw new BuiltinError('CIDR too large to expand (more than 16777216 addresses)');
      ctx.charge(2 ** (bits - n.prefix));
      return SetValue.from(expand(n));
    },
  },
  {
    name: 'net.cidr_contains_matches',
    arity: 2,
    fn: (args) => {
      const a = matchOperand(args[0]!, 1);
      const b = matchOperand(args[1]!, 2);
      const out = new SetValue();
      for (const [c1, i1] of a) {
        for (const [c2, i2] of b) {
          if (typeof c1 !== 'string') throw operandError(1, 'string', c1);
          if (typeof c2 !== 'string') throw operandError(1, 'string', c2);
          const n = parseCIDR(c1);
          if (!n) throw new BuiltinError(`invalid CIDR address: ${c1}`);
          if (containsCidrOrIP(n, c2)) out.add([i1, i2]);
        }
      }
      return out;
    },
  },
  {
    name: 'net.cidr_merge',
    arity: 1,
    fn: (args) => {
      const v = args[0]!;
      let items: Value[];
      if (Array.isArray(v)) items = v;
      else if (v instanceof SetValue) items = v.values();
      else throw operandError(1, 'one of {array, set}', v);
      const nets: Net[] = [];
      for (const x of items) {
        if (typeof x !== 'string') throw new BuiltinError('element must be string');
        const ip = parseIP(x);
        if (ip) {
          if (!ip.v4) throw new BuiltinError('IPv6 invalid: needs prefix length');
          nets.push({ ip, prefix: defaultPrefix(ip) });
          continue;
        }
        const n = parseCIDR(x);
        if (!n) throw new BuiltinError(`invalid CIDR address: ${x}`);
        nets.push(n);
      }
      return SetValue.from(mergeNets(nets).map(netString));
    },
  },
];

netBuiltins.push({
  name: 'net.lookup_ip_addr',
  arity: 1,
  fn: (args) => {
    const name = expectString(args, 0);
    const ip = parseIP(name);
    if (ip) return SetValue.from([ipString(ip)]);
    const host = name.toLowerCase().replace(/\.$/, '');
    if (host === 'localhost' || host.endsWith('.localhost')) return SetValue.from(['127.0.0.1', '::1']);
    throw new BuiltinError(`lookup ${name}: no such host (DNS lookups are disabled)`);
  },
});
