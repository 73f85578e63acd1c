// crypto.x509.* and crypto.parse_private_keys (OPA `crypto.go`). Certificates are parsed with
// node:crypto's X509Certificate; names (and CSRs, which Node cannot parse) with a small DER
// reader. Results mirror the fields of Go's x509.Certificate that policies use.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { toDouble } from '../number.js';
import { ObjectValue, isNumber, type Value } from '../value.js';
import { BuiltinError, expectString, operandError, type BuiltinDef } from './registry.js';

// ---------------------------------------------------------------------------------------------
// DER

interface Tlv {
  tag: number;
  start: number; // offset of the tag byte
  body: number; // offset of the content
  end: number; // offset after the content
}

function readTlv(buf: Buffer, pos: number): Tlv {
  if (pos + 2 > buf.length) throw new BuiltinError('asn1: structure error: truncated');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > buf.length)
      throw new BuiltinError('asn1: structure error: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    body += n;
  }
  if (body + len > buf.length) throw new BuiltinError('asn1: structure error: length too large');
  return { tag, start: pos, body, end: body + len };
}

function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.body; p < t.end;) {
    const c = readTlv(buf, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oidString(buf: Buffer, t: Tlv): string {
  const bytes = buf.subarray(t.body, t.end);
  const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

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
function parseName(buf: Buffer, t: Tlv): ObjectValue {
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
  for (const set of children(buf, t)) {
    for (const atv of children(buf, set)) {
      const [oidT, valT] = children(buf, atv);
      if (!oidT || !valT) continue;
      const oid = oidString(buf, oidT);
      const value = buf.subarray(valT.body, valT.end).toString(valT.tag === 0x1e ? 'utf16le' : 'utf8');
      names.push(
        ObjectValue.from([
          ['Type', oid.split('.').map(Number)],
          ['Value', value],
        ]),
      );
      const f = NAME_FIELDS[oid];
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

// ---------------------------------------------------------------------------------------------
// Inputs

function pemBlocks(text: string): Array<{ type: string; der: Buffer }> {
  const out: Array<{ type: string; der: Buffer }> = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    out.push({ type: m[1]!, der: Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64') });
  }
  return out;
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
function derBlocks(s: string, pemType: string): Buffer[] {
  if (s.startsWith('-----BEGIN'))
    return pemBlocks(s)
      .filter((b) => b.type === pemType)
      .map((b) => b.der);
  const raw = strictBase64(s);
  if (raw.subarray(0, 10).toString('latin1') === '-----BEGIN') {
    return pemBlocks(raw.toString('latin1'))
      .filter((b) => b.type === pemType)
      .map((b) => b.der);
  }
  // Concatenated DER structures.
  const out: Buffer[] = [];
  for (let p = 0; p < raw.length;) {
    let t: Tlv;
    try {
      t = readTlv(raw, p);
    } catch {
      throw new BuiltinError(
        pemType === 'CERTIFICATE' ? 'x509: malformed certificate' : 'asn1: structure error',
      );
    }
    if (t.tag !== 0x30) throw new BuiltinError('x509: malformed certificate');
    out.push(raw.subarray(t.start, t.end));
    p = t.end;
  }
  return out;
}

function certificateObject(der: Buffer): { cert: X509Certificate; obj: ObjectValue } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new BuiltinError('x509: malformed certificate');
  }
  const top = readTlv(der, 0);
  const tbs = children(der, top)[0]!;
  const parts = children(der, tbs);
  const off = parts[0]!.tag === 0xa0 ? 1 : 0;
  const issuer = parseName(der, parts[off + 2]!);
  const subject = parseName(der, parts[off + 4]!);
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
    ['Version', parts[0]!.tag === 0xa0 ? der[children(der, parts[0]!)[0]!.body]! + 1 : 1],
    ['SerialNumber', BigInt('0x' + cert.serialNumber).toString()],
    ['Issuer', issuer],
    ['Subject', subject],
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

function parseCertificates(s: string): Array<{ cert: X509Certificate; obj: ObjectValue }> {
  return derBlocks(s, 'CERTIFICATE').map(certificateObject);
}

interface VerifyOptions {
  dnsName?: string;
  nowMs?: number;
}

/**
 * OPA's chain verification: the first certificate is the root, the last the leaf, the rest
 * intermediates. Returns [valid, chain leaf first].
 */
function verifyChain(text: string, opts: VerifyOptions): Value {
  const certs = parseCertificates(text);
  const invalid: Value = [false, []];
  if (certs.length < 2) return invalid;
  const chain = [...certs].reverse();
  const now = opts.nowMs ?? Date.now();
  for (let i = 0; i < chain.length; i++) {
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
    fn: (args) => parseCertificates(expectString(args, 0)).map((c) => c.obj),
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates',
    arity: 1,
    fn: (args) => verifyChain(expectString(args, 0), {}),
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    arity: 2,
    fn: (args) => {
      const o = args[1]!;
      if (!(o instanceof ObjectValue)) throw operandError(2, 'object', o);
      const opts: VerifyOptions = {};
      const dns = o.get('DNSName');
      if (typeof dns === 'string') opts.dnsName = dns;
      const t = o.get('CurrentTime');
      if (t !== undefined && isNumber(t)) opts.nowMs = toDouble(t) / 1e6;
      return verifyChain(expectString(args, 0), opts);
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
    fn: (args) => {
      const blocks = derBlocks(expectString(args, 0), 'CERTIFICATE REQUEST');
      const der = blocks[0];
      if (!der) throw new BuiltinError('asn1: structure error: no certificate request');
      const top = readTlv(der, 0);
      const info = children(der, top)[0];
      if (top.tag !== 0x30 || !info || info.tag !== 0x30)
        throw new BuiltinError("asn1: structure error: tags don't match");
      const parts = children(der, info);
      return ObjectValue.from([
        ['Raw', der.toString('base64')],
        ['Version', der[parts[0]!.body] ?? 0],
        ['Subject', parseName(der, parts[1]!)],
      ]);
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    arity: 2,
    fn: (args) => {
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
        ['Leaf', certificateObject(certs[0]!.der).obj],
      ]);
    },
  },
  {
    name: 'crypto.parse_private_keys',
    arity: 1,
    fn: (args) => {
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
      for (const m of text.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g)) {
        try {
          const key = createPrivateKey(m[0]);
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
