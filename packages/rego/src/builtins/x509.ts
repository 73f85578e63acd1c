// crypto.x509.* and crypto.parse_private_keys (OPA `crypto.go`). Certificates are checked
// with node:crypto (synchronous signature verification); their ASN.1 structure (names,
// version, certificate requests) is decoded with @peculiar/asn1-x509 / asn1-csr. Results
// mirror the fields of Go's x509.Certificate that policies use.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, type Name } from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { toDouble } from '../number.js';
import { ObjectValue, isNumber, type Value } from '../value.js';
import { pemBlocks } from '../kernels/pem.js';
import {
  BuiltinError,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';

// Decoding base64, PEM and ASN.1 is not interruptible: ~10 ns per input byte (measured).
const DER_NS_PER_BYTE = 25;

const NAME_FIELDS: Record<string, [string, boolean]> = {
  '2.5.4.6': ['Country', true],
  '2.5.4.10': ['Organization', true],
  '2.5.4.11': ['OrganizationalUnit', true],
  '2.5.4.7': ['Locality', true],
  '2.5.4.8': ['Province', true],
  '2.5.4.9': ['StreetAddress', true],
  '2.5.4.17': ['PostalCode', true],
  '2.5.4.5': ['SerialNumber', false],
  '2.5.4.3': ['CommonName', false],
};

/** Go's pkix.Name as OPA serialises it. */
function nameObject(name: Name): ObjectValue {
  const fields: Record<string, Value> = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '',
    CommonName: '',
  };
  const names: Value[] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      const value = atv.value.toString();
      names.push(
        ObjectValue.from([
          ['Type', atv.type.split('.').map(Number)],
          ['Value', value],
        ]),
      );
      const f = NAME_FIELDS[atv.type];
      if (!f) continue;
      if (f[1]) fields[f[0]] = [...((fields[f[0]] as Value[] | null) ?? []), value];
      else fields[f[0]] = value;
    }
  }
  const o = ObjectValue.from(Object.entries(fields));
  o.set('Names', names);
  o.set('ExtraNames', null);
  return o;
}

/** Decodes DER with an asn1 schema; malformed input → `message`. */
function decodeDer<T>(der: Buffer, schema: new () => T, message: string, ctx: BuiltinContext): T {
  ctx.expectWork((der.length * DER_NS_PER_BYTE) / 1e6);
  try {
    return AsnConvert.parse(der, schema);
  } catch (e) {
    if (e instanceof RangeError) throw e; // nesting deep enough to overflow the stack
    throw new BuiltinError(message);
  }
}

/** Length of the DER structure at `pos` (tag, length and content), or -1 when truncated. */
function derLength(buf: Buffer, pos: number): number {
  if (pos + 2 > buf.length) return -1;
  let len = buf[pos + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || pos + 2 + n > buf.length) return -1;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i]!;
    header += n;
  }
  return pos + header + len > buf.length ? -1 : header + len;
}

// Go's StdEncoding.DecodeString error text, for the inputs OPA decodes.
function strictBase64(s: string): Buffer {
  const bad = /[^A-Za-z0-9+/=\r\n]/.exec(s);
  const clean = s.replace(/[\r\n]/g, '');
  if (bad || clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    const idx = bad ? bad.index : clean.length - (clean.length % 4);
    throw new BuiltinError(`illegal base64 data at input byte ${idx}`);
  }
  return Buffer.from(clean, 'base64');
}

/** PEM text, base64 of PEM, or base64 of DER → DER blocks (OPA getX509CertsFromString). */
function derBlocks(s: string, pemType: string, ctx: BuiltinContext): Buffer[] {
  ctx.expectWork((s.length * DER_NS_PER_BYTE) / 1e6);
  const ofType = (text: string): Buffer[] =>
    pemBlocks(text)
      .filter((b) => b.type === pemType)
      .map((b) => b.der);
  if (s.startsWith('-----BEGIN')) return ofType(s);
  const raw = strictBase64(s);
  if (raw.subarray(0, 10).toString('latin1') === '-----BEGIN') return ofType(raw.toString('latin1'));
  // Concatenated DER structures.
  const out: Buffer[] = [];
  for (let p = 0; p < raw.length;) {
    const n = derLength(raw, p);
    if (n < 0)
      throw new BuiltinError(
        pemType === 'CERTIFICATE' ? 'x509: malformed certificate' : 'asn1: structure error',
      );
    if (raw[p] !== 0x30) throw new BuiltinError('x509: malformed certificate');
    out.push(raw.subarray(p, p + n));
    p += n;
  }
  return out;
}

function certificateObject(der: Buffer, ctx: BuiltinContext): { cert: X509Certificate; obj: ObjectValue } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new BuiltinError('x509: malformed certificate');
  }
  const tbs = decodeDer(der, Certificate, 'x509: malformed certificate', ctx).tbsCertificate;
  const dns: Value[] = [];
  const uris: Value[] = [];
  const emails: Value[] = [];
  const ips: Value[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(/,\s*/)) {
    const i = entry.indexOf(':');
    if (i < 0) continue;
    const kind = entry.slice(0, i);
    const val = entry.slice(i + 1).replace(/^"|"$/g, '');
    if (kind === 'DNS') dns.push(val);
    else if (kind === 'URI') uris.push(val);
    else if (kind === 'email') emails.push(val);
    else if (kind === 'IP Address') ips.push(val);
  }
  const orNull = (a: Value[]): Value => (a.length === 0 ? null : a);
  const obj = ObjectValue.from([
    ['Raw', der.toString('base64')],
    ['Version', tbs.version + 1],
    ['SerialNumber', BigInt('0x' + cert.serialNumber).toString()],
    ['Issuer', nameObject(tbs.issuer)],
    ['Subject', nameObject(tbs.subject)],
    ['NotBefore', new Date(cert.validFrom).toISOString().replace('.000Z', 'Z')],
    ['NotAfter', new Date(cert.validTo).toISOString().replace('.000Z', 'Z')],
    ['DNSNames', orNull(dns)],
    ['EmailAddresses', orNull(emails)],
    ['IPAddresses', orNull(ips)],
    ['URIStrings', orNull(uris)],
    ['IsCA', cert.ca],
  ]);
  return { cert, obj };
}

function parseCertificates(
  s: string,
  ctx: BuiltinContext,
): Array<{ cert: X509Certificate; obj: ObjectValue }> {
  return derBlocks(s, 'CERTIFICATE', ctx).map((der) => certificateObject(der, ctx));
}

interface VerifyOptions {
  dnsName?: string;
  nowMs?: number;
}

/**
 * OPA's chain verification: the first certificate is the root, the last the leaf, the rest
 * intermediates. Returns [valid, chain leaf first].
 */
function verifyChain(text: string, opts: VerifyOptions, ctx: BuiltinContext): Value {
  const certs = parseCertificates(text, ctx);
  const invalid: Value = [false, []];
  if (certs.length < 2) return invalid;
  const chain = [...certs].reverse();
  const now = opts.nowMs ?? Date.now();
  for (let i = 0; i < chain.length; i++) {
    ctx.charge(1);
    const c = chain[i]!.cert;
    const issuer = chain[Math.min(i + 1, chain.length - 1)]!.cert;
    if (Date.parse(c.validFrom) > now || Date.parse(c.validTo) < now) return invalid;
    if (!c.checkIssued(issuer) || !c.verify(issuer.publicKey)) return invalid;
  }
  if (opts.dnsName !== undefined && chain[0]!.cert.checkHost(opts.dnsName) === undefined) return invalid;
  return [true, chain.map((c) => c.obj)];
}

/** The `x509` builtins. */
export const x509Builtins: BuiltinDef[] = [
  {
    name: 'crypto.x509.parse_certificates',
    arity: 1,
    fn: (args, ctx) => parseCertificates(expectString(args, 0), ctx).map((c) => c.obj),
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates',
    arity: 1,
    fn: (args, ctx) => verifyChain(expectString(args, 0), {}, ctx),
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    arity: 2,
    fn: (args, ctx) => {
      const o = args[1]!;
      if (!(o instanceof ObjectValue)) throw operandError(2, 'object', o);
      const opts: VerifyOptions = {};
      const dns = o.get('DNSName');
      if (typeof dns === 'string') opts.dnsName = dns;
      const t = o.get('CurrentTime');
      if (t !== undefined && isNumber(t)) opts.nowMs = toDouble(t) / 1e6;
      return verifyChain(expectString(args, 0), opts, ctx);
    },
  },
  {
    name: 'crypto.x509.parse_rsa_private_key',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      const text = s.startsWith('-----BEGIN') ? s : strictBase64(s).toString('latin1');
      let key;
      try {
        key = createPrivateKey(text);
      } catch (e) {
        throw new BuiltinError(`failed to parse private key: ${(e as Error).message}`);
      }
      if (key.asymmetricKeyType !== 'rsa') throw new BuiltinError('not an RSA private key');
      return ObjectValue.from(
        Object.entries(key.export({ format: 'jwk' })).map(([k, v]) => [k, v as Value] as const),
      );
    },
  },
  {
    name: 'crypto.x509.parse_certificate_request',
    arity: 1,
    fn: (args, ctx) => {
      const blocks = derBlocks(expectString(args, 0), 'CERTIFICATE REQUEST', ctx);
      const der = blocks[0];
      if (!der) throw new BuiltinError('asn1: structure error: no certificate request');
      const info = decodeDer(
        der,
        CertificationRequest,
        "asn1: structure error: tags don't match",
        ctx,
      ).certificationRequestInfo;
      return ObjectValue.from([
        ['Raw', der.toString('base64')],
        ['Version', info.version],
        ['Subject', nameObject(info.subject)],
      ]);
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    arity: 2,
    fn: (args, ctx) => {
      const pemOf = (s: string): string =>
        s.startsWith('-----BEGIN') ? s : strictBase64(s).toString('latin1');
      const certPem = pemOf(expectString(args, 0));
      const keyPem = pemOf(expectString(args, 1));
      const certs = pemBlocks(certPem).filter((b) => b.type === 'CERTIFICATE');
      if (certs.length === 0) throw new BuiltinError('tls: failed to find any PEM data in certificate input');
      let key;
      try {
        key = createPrivateKey(keyPem);
      } catch (e) {
        throw new BuiltinError(`tls: failed to parse private key: ${(e as Error).message}`);
      }
      const leaf = new X509Certificate(certs[0]!.der);
      if (!leaf.checkPrivateKey(key)) throw new BuiltinError('tls: private key does not match public key');
      return ObjectValue.from([
        ['Certificate', certs.map((c) => c.der.toString('base64'))],
        [
          'PrivateKey',
          ObjectValue.from(
            Object.entries(key.export({ format: 'jwk' })).map(([k, v]) => [k, v as Value] as const),
          ),
        ],
        ['Leaf', certificateObject(certs[0]!.der, ctx).obj],
      ]);
    },
  },
  {
    name: 'crypto.parse_private_keys',
    arity: 1,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      if (s === '') return null;
      const text = s.startsWith('-----BEGIN')
        ? s
        : (() => {
            try {
              return strictBase64(s).toString('latin1');
            } catch {
              return '';
            }
          })();
      const out: Value[] = [];
      for (const block of pemBlocks(text)) {
        if (!/^[A-Z ]*PRIVATE KEY$/.test(block.type)) continue;
        ctx.charge(1);
        try {
          const key = createPrivateKey(block.text);
          out.push(
            ObjectValue.from(
              Object.entries(key.export({ format: 'jwk' })).map(([k, v]) => [k, v as Value] as const),
            ),
          );
        } catch (e) {
          throw new BuiltinError(`failed to parse private key: ${(e as Error).message}`);
        }
      }
      return out;
    },
  },
];
