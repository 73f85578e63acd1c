// providers.aws.sign_req (OPA `providers.go` + internal/providers/aws): AWS Signature V4 of an
// http.send-style request object. Deterministic for a given timestamp, so it is testable.
import { createHash, createHmac } from 'node:crypto';
import { isInteger, toBigInt } from '../number.js';
import { ObjectValue, SetValue, isNumber, type Value } from '../value.js';
import { fromUnixNano, formatTime } from '../kernels/go-time.js';
import { jsonMarshal, regoText } from '../format.js';
import { OperandTypeError, expectObject, operandError, type BuiltinDef } from './registry.js';

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
// Headers a proxy may rewrite; AWS SDKs leave them out of the signature.
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : '');
const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, msg: string): Buffer => createHmac('sha256', key).update(msg).digest();

/** Go url.Parse pieces used by SigV4: host (with port), escaped path and raw query. */
function splitURL(u: string): { host: string; path: string; query: string } {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(u);
  if (!m) {
    const q = u.indexOf('?');
    return { host: '', path: q < 0 ? u : u.slice(0, q), query: q < 0 ? '' : u.slice(q + 1) };
  }
  const authority = m[1]!;
  return { host: authority.slice(authority.lastIndexOf('@') + 1), path: m[2]!, query: m[3] ?? '' };
}

function signRequest(args: Value[]): Value {
  const req = expectObject(args, 0);
  const config = args[1]!;
  if (!(config instanceof ObjectValue)) throw operandError(1, 'object', config);
  const missingCfg = REQUIRED_CONFIG.filter((k) => !config.has(k));
  if (missingCfg.length > 0) {
    throw new OperandTypeError(
      `operand 2 missing required AWS config parameters(s): ${regoText(SetValue.from(missingCfg))}`,
    );
  }
  const invalidCfg = REQUIRED_CONFIG.filter((k) => typeof config.get(k) !== 'string');
  if (invalidCfg.length > 0) {
    throw new OperandTypeError(
      `operand 2 invalid values for required AWS config parameters(s): ${regoText(SetValue.from(invalidCfg))}`,
    );
  }
  const ts = args[2]!;
  if (!isNumber(ts)) throw operandError(1, 'number', ts);
  const ns = isInteger(ts) ? toBigInt(ts)! : undefined;
  // OPA reads the timestamp with json.Number.Int64, which rejects fractions and exponent forms;
  // negative values only arise from such forms in practice.
  if (ns === undefined || ns < 0n || ns >= 1n << 63n) {
    throw new OperandTypeError('operand 3 could not convert time_ns value into a unix timestamp');
  }
  const missingReq = ['method', 'url'].filter((k) => !req.has(k));
  if (missingReq.length > 0) {
    throw new OperandTypeError(
      `operand 1 missing required request parameters(s): ${regoText(SetValue.from(missingReq))}`,
    );
  }
  const invalidReq = ['method', 'url'].filter((k) => typeof req.get(k) !== 'string');
  if (invalidReq.length > 0) {
    throw new OperandTypeError(
      `operand 1 invalid values for required request parameters(s): ${regoText(SetValue.from(invalidReq))}`,
    );
  }
  const headersV = req.get('headers') ?? new ObjectValue();
  if (!(headersV instanceof ObjectValue)) throw operandError(0, 'object', headersV);
  let disablePayloadSigning = false;
  const dps = config.get('disable_payload_signing');
  if (dps !== undefined) {
    if (typeof dps !== 'boolean')
      throw new OperandTypeError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
    disablePayloadSigning = dps;
  }

  const service = str(config.get('aws_service'));
  const region = str(config.get('aws_region'));
  const accessKey = str(config.get('aws_access_key'));
  const secretKey = str(config.get('aws_secret_access_key'));
  const sessionToken = str(config.get('aws_session_token'));
  const method = str(req.get('method'));
  const url = splitURL(str(req.get('url')));
  const rawBody = req.get('raw_body');
  const body = req.get('body');
  const bodyBytes = rawBody !== undefined ? str(rawBody) : body !== undefined ? jsonMarshal(body) : '';
  const payloadHash = disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : sha256Hex(Buffer.from(bodyBytes, 'utf8'));

  const t = fromUnixNano(ns);
  const date = formatTime(t, '20060102');
  const stamp = formatTime(t, '20060102T150405Z');
  const awsHeaders = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', stamp],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', payloadHash);
  if (sessionToken !== '') awsHeaders.set('x-amz-security-token', sessionToken);

  // Request headers are applied after the AWS ones, so they win in the canonical request.
  const toSign = new Map<string, string>(awsHeaders);
  for (const [k, v] of headersV.entries()) {
    const lower = str(k).toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, str(v));
  }
  const keys = [...toSign.keys()].sort();
  const signedHeaders = keys.join(';');
  const canonical =
    `${method}\n${url.path}\n${url.query}\n` +
    keys.map((k) => `${k}:${toSign.get(k)}\n`).join('') +
    `\n${signedHeaders}\n${payloadHash}`;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${secretKey}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = hmac(key, stringToSign).toString('hex');
  const auth = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;

  const outHeaders = new ObjectValue();
  for (const [k, v] of headersV.entries()) outHeaders.set(str(k), str(v));
  outHeaders.set('Authorization', auth);
  for (const [k, v] of awsHeaders) outHeaders.set(k, v);
  const out = ObjectValue.from(req.entries());
  out.set('headers', outHeaders);
  return out;
}

/** The `providers` builtins. */
export const providerBuiltins: BuiltinDef[] = [{ name: 'providers.aws.sign_req', arity: 3, fn: signRequest }];
