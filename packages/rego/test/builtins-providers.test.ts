import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx } from './builtin-context.js';
import { fromJS, toJSON, type Value } from '../src/value.js';

const call = (name: string, ...args: unknown[]): unknown =>
  toJSON(getBuiltin(name)!.fn(args.map(fromJS), ctx) as Value);

const config = {
  aws_access_key: 'MYAWSACCESSKEYGOESHERE',
  aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE',
  aws_service: 's3',
  aws_region: 'us-east-1',
};

test('providers.aws.sign_req signs with SigV4 (OPA test vector)', () => {
  const out = call(
    'providers.aws.sign_req',
    { method: 'get', url: 'http://example.com', headers: { foo: 'bar' } },
    config,
    1451311705000000000n,
  ) as {
    headers: Record<string, string>;
  };
  assert.equal(
    out.headers.Authorization,
    'AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952',
  );
  assert.equal(out.headers['x-amz-date'], '20151228T140825Z');
  assert.throws(
    () => call('providers.aws.sign_req', {}, config, 1),
    /missing required request parameters\(s\): \{"method", "url"\}/,
  );
});

test('net.lookup_ip_addr resolves without DNS', () => {
  assert.deepEqual(call('net.lookup_ip_addr', '10.0.0.1'), ['10.0.0.1']);
  assert.deepEqual(call('net.lookup_ip_addr', 'localhost'), ['127.0.0.1', '::1']);
  assert.throws(() => call('net.lookup_ip_addr', 'example.com'), /DNS lookups are disabled/);
});
