// io.jwt.* builtins (OPA `tokens.go`): JWS compact tokens signed with HS*, RS*, PS*, ES* and
// EdDSA, verified and produced with node:crypto. Keys come as PEM certificates, PEM public keys,
// JWKs or JWK sets.
//
// Why not `jose`: its verification and signing are asynchronous (WebCrypto), and builtins are
// synchronous; node:crypto verifies and signs synchronously with the same primitives and
// imports JWKs itself. What remains here is OPA's own token rules (constraints, `cty: JWT`
// nesting, its error messages), which no JOSE library implements.
import {
  X509Certificate,
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { compareNumbers, fromDouble, toDouble } from '../number.js';
import { ObjectValue, isNumber, type Value } from '../value.js';
import { parseJSON } from './encoding.js';
import { pemBlocks } from '../kernels/pem.js';
import { RegoError } from '../errors.js';
import { jsonMarshal } from '../format.js';
import {
  BuiltinError,
  expectObject,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';

const ALGORITHMS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
]);

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** Strict base64url (padding optional, as OPA's base64url.decode) to bytes. */
function b64urlBytes(s: string): Buffer {
  let t = s;
  if (!t.endsWith('=')) {
    const r = t.length % 4;
    if (r === 2) t += '==';
    else if (r === 3) t += '=';
    else if (r === 1) throw new BuiltinError(`illegal base64url string: ${s}`);
  }
  const bad = /[^A-Za-z0-9_=-]/.exec(t);
  if (bad) throw new BuiltinError(`illegal base64 data at input byte ${bad.index}`);
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(t) || t.length % 4 !== 0) {
    throw new BuiltinError(
      `illegal base64 data at input byte ${t.indexOf('=') >= 0 ? t.indexOf('=') : t.length}`,
    );
  }
  return Buffer.from(t.replace(/=+$/, ''), 'base64url');
}

interface Token {
  header: string;
  payload: string;
  signature: string;
}

function splitToken(v: Value): Token {
  if (typeof v !== 'string') throw operandError(1, 'string', v);
  if (!v.includes('.')) throw new BuiltinError('encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw new BuiltinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

function jsonObject(s: string, ctx: BuiltinContext): ObjectValue {
  let v: Value;
  try {
    v = parseJSON(s, ctx);
  } catch (e) {
    if (e instanceof RegoError) throw e;
    throw new BuiltinError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!(v instanceof ObjectValue)) throw new BuiltinError('decoded JSON type was not an Object');
  return v;
}

function decodeHeader(t: Token, ctx: BuiltinContext): ObjectValue {
  let raw: string;
  try {
    raw = b64urlBytes(t.header).toString('utf8');
  } catch (e) {
    throw new BuiltinError(`JWT header had invalid encoding: ${(e as Error).message}`);
  }
  let h: ObjectValue;
  try {
    h = jsonObject(raw, ctx);
  } catch (e) {
    if (e instanceof RegoError) throw e;
    throw new BuiltinError(`bad JWT header: ${(e as Error).message}`);
  }
  if (h.has('enc')) throw new BuiltinError('JWT is a JWE object, which is not supported');
  return h;
}

function decodePayloadText(t: Token): string {
  try {
    return b64urlBytes(t.payload).toString('utf8');
  } catch (e) {
    throw new BuiltinError(`JWT payload had invalid encoding: ${(e as Error).message}`);
  }
}

function decodeSignature(t: Token): Buffer {
  try {
    return b64urlBytes(t.signature);
  } catch (e) {
    throw new BuiltinError(`JWT signature had invalid encoding: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

interface VerificationKey {
  key: KeyObject | Buffer; // Buffer = symmetric secret
  alg: string;
  kid: string;
}

function jwkToKey(jwk: Record<string, unknown>, isPrivate: boolean): KeyObject | Buffer {
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new BuiltinError('invalid JWK: oct key without k');
    return Buffer.from(jwk.k, 'base64url');
  }
  try {
    // Node expects only the key members it knows; JWK extras such as alg/kid/use are fine.
    return isPrivate
      ? createPrivateKey({ key: jwk as never, format: 'jwk' })
      : createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch (e) {
    throw new BuiltinError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
}

function parseJwkSet(text: string): Array<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BuiltinError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BuiltinError('failed to parse a JWK key (set): not a JSON object');
  }
  const obj = parsed as Record<string, unknown>;
  if (Array.isArray(obj.keys)) return obj.keys as Array<Record<string, unknown>>;
  return [obj];
}

/** Keys from a PEM certificate / public key, a JWK or a JWK set (OPA getKeysFromCertOrJWK). */
function keysFromCertOrJWK(text: string, ctx: BuiltinContext): VerificationKey[] {
  const block = text.includes('-----BEGIN ') ? pemBlocks(text)[0] : undefined;
  if (block) {
    if (block.end < text.length) throw new BuiltinError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(block.text).publicKey, alg: '', kid: '' }];
      } catch (e) {
        throw new BuiltinError(`failed to parse a PEM certificate: ${(e as Error).message}`);
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey(block.text), alg: '', kid: '' }];
      } catch (e) {
        throw new BuiltinError(`failed to parse a PEM public key: ${(e as Error).message}`);
      }
    }
    throw new BuiltinError('failed to extract a Key from the PEM certificate');
  }
  const out: VerificationKey[] = [];
  for (const jwk of parseJwkSet(text)) {
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    if (alg !== '' && !ALGORITHMS.has(alg)) continue;
    ctx.charge(1); // each key is parsed into a KeyObject
    out.push({ key: jwkToKey(jwk, false), alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signatures

function verifyWith(alg: string, key: KeyObject | Buffer, data: Buffer, sig: Buffer): boolean {
  try {
    const family = alg.slice(0, 2);
    if (family === 'HS') {
      if (!Buffer.isBuffer(key)) return false;
      const mac = createHmac(HASH[alg.slice(2)]!, key).update(data).digest();
      return mac.length === sig.length && timingSafeEqual(mac, sig);
    }
    if (Buffer.isBuffer(key)) return false;
    if (alg === 'EdDSA') return key.asymmetricKeyType === 'ed25519' && cryptoVerify(null, data, key, sig);
    const hash = HASH[alg.slice(2)];
    if (!hash) return false;
    if (family === 'RS') return key.asymmetricKeyType === 'rsa' && cryptoVerify(hash, data, key, sig);
    if (family === 'PS') {
      return (
        key.asymmetricKeyType === 'rsa' &&
        cryptoVerify(
          hash,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          sig,
        )
      );
    }
    if (family === 'ES')
      return (
        key.asymmetricKeyType === 'ec' && cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig)
      );
  } catch {
    return false;
  }
  return false;
}

function signWith(alg: string, key: KeyObject | Buffer, data: Buffer): Buffer {
  const family = alg.slice(0, 2);
  if (family === 'HS') {
    if (!Buffer.isBuffer(key)) throw new BuiltinError(`invalid key for ${alg}`);
    return createHmac(HASH[alg.slice(2)]!, key).update(data).digest();
  }
  if (Buffer.isBuffer(key)) throw new BuiltinError(`invalid key for ${alg}`);
  try {
    if (alg === 'EdDSA') return cryptoSign(null, data, key);
    const hash = HASH[alg.slice(2)]!;
    if (family === 'RS') return cryptoSign(hash, data, key);
    if (family === 'PS') {
      return cryptoSign(hash, data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
    }
    return cryptoSign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  } catch (e) {
    throw new BuiltinError(`failed to sign with ${alg}: ${(e as Error).message}`);
  }
}

/** io.jwt.verify_<alg> with a certificate / public key / JWKS. */
function verifyAsymmetric(alg: string) {
  return (args: Value[], ctx: BuiltinContext): boolean => {
    const t = splitToken(args[0]!);
    const keys = keysFromCertOrJWK(expectString(args, 1), ctx);
    const sig = decodeSignature(t);
    const header = decodeHeader(t, ctx);
    const hAlg = header.get('alg');
    const kid = header.get('kid');
    const data = Buffer.from(`${t.header}.${t.payload}`, 'utf8');
    if (typeof kid === 'string' && kid !== '') {
      const k = keys.find((x) => x.kid === kid);
      if (k) return verifyWith(alg, k.key, data, sig);
    }
    for (const k of keys) {
      if (k.alg !== '' && k.alg !== hAlg) continue;
      ctx.charge(1); // a key set may hold many keys, each a signature check
      if (verifyWith(alg, k.key, data, sig)) return true;
    }
    return false;
  };
}

function verifyHS(alg: string) {
  return (args: Value[]): boolean => {
    const jwt = expectString(args, 0);
    const secret = expectString(args, 1);
    const t = splitToken(jwt);
    const sig = decodeSignature(t);
    return verifyWith(alg, Buffer.from(secret, 'utf8'), Buffer.from(`${t.header}.${t.payload}`, 'utf8'), sig);
  };
}

// ---------------------------------------------------------------------------------------------
// decode / decode_verify

function decode(v: Value, ctx: BuiltinContext): Value {
  const t = splitToken(v);
  const header = decodeHeader(t, ctx);
  let p = decodePayloadText(t);
  const cty = header.get('cty');
  if (cty === 'JWT') {
    p = p.replace(/^["']+|["']+$/g, '');
    return decode(p, ctx);
  }
  const payload = jsonObject(p, ctx);
  const sig = decodeSignature(t);
  return [header, payload, sig.toString('hex')];
}

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys?: VerificationKey[];
  time: number;
}

function parseConstraints(o: ObjectValue, ctx: BuiltinContext): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', time: -1 };
  for (const [k, v] of o.entries()) {
    const str = (name: string): string => {
      if (typeof v !== 'string') throw new BuiltinError(`${name} constraint: must be a string`);
      return v;
    };
    switch (k) {
      case 'cert':
        if (typeof v !== 'string') throw new BuiltinError('cert constraint: must be a string');
        c.keys = keysFromCertOrJWK(v, ctx);
        break;
      case 'secret':
        c.secret = str('secret');
        break;
      case 'alg':
        c.alg = str('alg');
        break;
      case 'iss':
        c.iss = str('iss');
        break;
      case 'aud':
        c.aud = str('aud');
        break;
      case 'time':
        if (!isNumber(v)) throw new BuiltinError('token time constraint: must be a number');
        if (toDouble(v) < 0) throw new BuiltinError('token time constraint: must not be negative');
        c.time = toDouble(v);
        break;
      default:
        throw new BuiltinError(
          `unknown token validation constraint: ${typeof k === 'string' ? k : jsonMarshal(k)}`,
        );
    }
  }
  if (c.time === -1) c.time = Number(ctx.nowNs());
  const n = (c.keys ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (n > 1) throw new BuiltinError('duplicate key constraints');
  if (n < 1) throw new BuiltinError('no key constraint');
  return c;
}

function headerValid(h: ObjectValue): boolean {
  const alg = h.get('alg');
  if (typeof alg !== 'string' || alg === '') return false;
  const crit = h.get('crit');
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) throw new BuiltinError('crit: must be a nonempty list');
    const known = new Set(['alg', 'kid', 'typ', 'cty', 'crit']);
    for (const c of crit) if (typeof c === 'string' && !known.has(c) && h.has(c)) return false;
  }
  for (const f of ['kid', 'typ', 'cty']) {
    const v = h.get(f);
    if (v !== undefined && typeof v !== 'string') throw new BuiltinError(`${f}: must be a string`);
  }
  return true;
}

function decodeVerify(args: Value[], ctx: BuiltinContext): Value {
  const constraintsObj = expectObject(args, 1);
  const unverified: Value = [false, new ObjectValue(), new ObjectValue()];
  const c = parseConstraints(constraintsObj, ctx);
  let a: Value = args[0]!;
  let header: ObjectValue;
  let payloadText: string;
  for (;;) {
    const t = splitToken(a);
    header = decodeHeader(t, ctx);
    if (!headerValid(header)) return unverified;
    const alg = header.get('alg') as string;
    if (c.alg !== '' && c.alg !== alg) return unverified;
    const sig = decodeSignature(t);
    const data = Buffer.from(`${t.header}.${t.payload}`, 'utf8');
    let ok = false;
    if (c.keys) {
      const kid = header.get('kid');
      const byKid = typeof kid === 'string' && kid !== '' ? c.keys.find((k) => k.kid === kid) : undefined;
      if (byKid) ok = verifyWith(alg, byKid.key, data, sig);
      else
        ok = c.keys.some(
          (k) => (k.alg === '' || k.alg === alg) && (ctx.charge(1), verifyWith(alg, k.key, data, sig)),
        );
    } else ok = ALGORITHMS.has(alg) && verifyWith(alg, Buffer.from(c.secret, 'utf8'), data, sig);
    if (!ok) return unverified;
    payloadText = decodePayloadText(t);
    const cty = header.get('cty');
    if (typeof cty === 'string' && cty.toUpperCase() === 'JWT') {
      a = payloadText;
      continue;
    }
    break;
  }
  const payload = jsonObject(payloadText, ctx);
  if (c.iss !== '') {
    const iss = payload.get('iss');
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get('aud');
  if (aud !== undefined) {
    const okAud =
      typeof aud === 'string'
        ? aud === c.aud
        : Array.isArray(aud) && aud.some((x) => typeof x === 'string' && x === c.aud);
    if (!okAud) return unverified;
  } else if (c.aud !== '') return unverified;
  const nowSec = fromDouble(c.time / 1e9) ?? 0;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new BuiltinError('exp value must be a number');
    if (compareNumbers(nowSec, exp) !== -1) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new BuiltinError('nbf value must be a number');
    if (compareNumbers(nowSec, nbf) === -1) return unverified;
  }
  return [true, header, payload];
}

// ---------------------------------------------------------------------------------------------
// encode_sign

function encodeSign(headerText: string, payloadText: string, jwkText: string): string {
  const jwks = parseJwkSet(jwkText);
  if (jwks.length === 0) throw new BuiltinError('no keys found in JWK set');
  const jwk = jwks[0]!;
  let header: unknown;
  if (headerText === '')
    throw new BuiltinError("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  try {
    header = JSON.parse(headerText);
  } catch {
    // jwsbb only reports JSON errors for text that looks like an object; anything else has no "alg".
    if (!headerText.trimStart().startsWith('{')) {
      throw new BuiltinError(`missing or invalid 'alg' header: jwsbb: header "alg" not found`);
    }
    throw new BuiltinError("missing or invalid 'alg' header: cannot parse JSON");
  }
  const h = (header ?? {}) as Record<string, unknown>;
  if (typeof h.alg !== 'string')
    throw new BuiltinError(`missing or invalid 'alg' header: jwsbb: header "alg" not found`);
  const alg = h.alg;
  if (!ALGORITHMS.has(alg)) throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
  const typ = h.typ;
  if (typeof typ !== 'string' || typ === 'JWT') {
    try {
      JSON.parse(payloadText);
    } catch {
      throw new BuiltinError('type is JWT but payload is not JSON');
    }
  }
  const key = jwkToKey(jwk, jwk.kty !== 'oct');
  const signingInput = `${Buffer.from(headerText, 'utf8').toString('base64url')}.${Buffer.from(payloadText, 'utf8').toString('base64url')}`;
  const sig = signWith(alg, key, Buffer.from(signingInput, 'utf8'));
  return `${signingInput}.${sig.toString('base64url')}`;
}

/** The `jwt` builtins. */
export const jwtBuiltins: BuiltinDef[] = [
  { name: 'io.jwt.decode', arity: 1, fn: (args, ctx) => decode(args[0]!, ctx) },
  {
    name: 'io.jwt.decode_verify',
    arity: 2,
    fn: (args, ctx) => decodeVerify(args, ctx),
  },
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'].map(
    (alg): BuiltinDef => ({
      name: `io.jwt.verify_${alg.toLowerCase()}`,
      arity: 2,
      fn: verifyAsymmetric(alg),
    }),
  ),
  { name: 'io.jwt.verify_eddsa', arity: 2, fn: verifyAsymmetric('EdDSA') },
  ...['HS256', 'HS384', 'HS512'].map((alg): BuiltinDef => ({
    name: `io.jwt.verify_${alg.toLowerCase()}`,
    arity: 2,
    fn: verifyHS(alg),
  })),
  {
    name: 'io.jwt.encode_sign_raw',
    arity: 3,
    fn: (args) => {
      const jwk = expectString(args, 2);
      return encodeSign(expectString(args, 0), expectString(args, 1), jwk);
    },
  },
  {
    name: 'io.jwt.encode_sign',
    arity: 3,
    fn: (args) => encodeSign(jsonMarshal(args[0]!), jsonMarshal(args[1]!), jsonMarshal(args[2]!)),
  },
];
