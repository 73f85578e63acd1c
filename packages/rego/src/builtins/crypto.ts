// crypto.* hashes and HMACs, and uuid.* (OPA `crypto.go`, `uuid.go`), on node:crypto.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { fromBigInt } from '../number.js';
import { ObjectValue, type Value } from '../value.js';
import { BuiltinError, expectString, type BuiltinDef } from './registry.js';

const hash = (alg: string) => (args: Value[]) =>
  createHash(alg).update(expectString(args, 0), 'utf8').digest('hex');
const hmac = (alg: string) => (args: Value[]) =>
  createHmac(alg, Buffer.from(expectString(args, 1), 'utf8'))
    .update(expectString(args, 0), 'utf8')
    .digest('hex');

/** Parses a UUID in any of Go google/uuid's accepted forms into its 16 bytes. */
function parseUUID(s: string): Buffer | undefined {
  let hex: string;
  if (s.length === 36) hex = s;
  else if (s.length === 38 && s[0] === '{' && s[37] === '}') hex = s.slice(1, 37);
  else if (s.length === 45 && s.toLowerCase().startsWith('urn:uuid:')) hex = s.slice(9);
  else if (s.length === 32) return /^[0-9a-fA-F]{32}$/.test(s) ? Buffer.from(s, 'hex') : undefined;
  else return undefined;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(hex))
    return undefined;
  return Buffer.from(hex.replaceAll('-', ''), 'hex');
}

// 100-ns intervals between 1582-10-15 and the Unix epoch.
const GREGORIAN_OFFSET = 122192928000000000n;

function uuidInfo(b: Buffer): ObjectValue {
  const out = new ObjectValue();
  const version = b[6]! >> 4;
  const v = b[8]!;
  const variant =
    (v & 0xc0) === 0x80
      ? 'RFC4122'
      : (v & 0xe0) === 0xc0
        ? 'Microsoft'
        : (v & 0xe0) === 0xe0
          ? 'Future'
          : 'Reserved';
  out.set('version', version);
  out.set('variant', variant);
  if (version === 1 || version === 2) {
    const t =
      BigInt(b.readUInt32BE(0)) |
      (BigInt(b.readUInt16BE(4)) << 32n) |
      (BigInt(b.readUInt16BE(6) & 0xfff) << 48n);
    out.set('time', fromBigInt((t - GREGORIAN_OFFSET) * 100n));
    out.set('clocksequence', ((b[8]! & 0x3f) << 8) | b[9]!);
    const node = b.subarray(10, 16);
    out.set('nodeid', [...node].map((x) => x.toString(16).padStart(2, '0')).join('-'));
    out.set(
      'macvariables',
      `${node[0]! & 0x02 ? 'local' : 'global'}:${node[0]! & 0x01 ? 'multicast' : 'unicast'}`,
    );
    if (version === 2) {
      const domains: Record<number, string> = { 0: 'Person', 1: 'Group', 2: 'Org' };
      out.set('domain', domains[b[9]!] ?? `Domain${b[9]}`);
      out.set('id', b.readUInt32BE(0));
    }
  }
  return out;
}

/** The `crypto` builtins. */
export const cryptoBuiltins: BuiltinDef[] = [
  { name: 'crypto.md5', arity: 1, fn: hash('md5') },
  { name: 'crypto.sha1', arity: 1, fn: hash('sha1') },
  { name: 'crypto.sha256', arity: 1, fn: hash('sha256') },
  { name: 'crypto.hmac.md5', arity: 2, fn: hmac('md5') },
  { name: 'crypto.hmac.sha1', arity: 2, fn: hmac('sha1') },
  { name: 'crypto.hmac.sha256', arity: 2, fn: hmac('sha256') },
  { name: 'crypto.hmac.sha512', arity: 2, fn: hmac('sha512') },
  {
    name: 'crypto.hmac.equal',
    arity: 2,
    fn: (args) => {
      const a = Buffer.from(expectString(args, 0), 'utf8');
      const b = Buffer.from(expectString(args, 1), 'utf8');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  },
  {
    name: 'uuid.rfc4122',
    arity: 1,
    fn: (args, ctx) => {
      const key = `uuid.rfc4122\u0000${expectString(args, 0)}`;
      let id = ctx.cache.get(key) as string | undefined;
      if (id === undefined) {
        id = randomUUID();
        ctx.cache.set(key, id);
      }
      return id;
    },
  },
  {
    name: 'uuid.parse',
    arity: 1,
    fn: (args) => {
      const b = parseUUID(expectString(args, 0));
      if (!b) throw new BuiltinError('invalid UUID');
      return uuidInfo(b);
    },
  },
];
