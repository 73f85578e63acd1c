import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { getBuiltin } from '../src/builtins/index.js';
import { ctx as unbounded } from './builtin-context.js';
import { fromJS, toJSON, type Value } from '../src/value.js';

const ctx = { ...unbounded, nowNs: () => 1_700_000_000_000_000_000n };
const call = (name: string, ...args: unknown[]): unknown =>
  toJSON(getBuiltin(name)!.fn(args.map(fromJS), ctx) as Value);

test('HS256 sign, decode and verify', () => {
  const jwk = { kty: 'oct', k: Buffer.from('secret').toString('base64url') };
  const token = call(
    'io.jwt.encode_sign',
    { alg: 'HS256', typ: 'JWT' },
    { iss: 'liftoff', exp: 1_800_000_000 },
    jwk,
  ) as string;
  assert.deepEqual(call('io.jwt.decode_verify', token, { secret: 'secret', iss: 'liftoff' }), [
    true,
    { alg: 'HS256', typ: 'JWT' },
    { exp: 1_800_000_000, iss: 'liftoff' },
  ]);
  assert.equal(call('io.jwt.verify_hs256', token, 'secret'), true);
  assert.equal(call('io.jwt.verify_hs256', token, 'wrong'), false);
  // Expired at the evaluation time → unverified.
  const old = call('io.jwt.encode_sign', { alg: 'HS256' }, { exp: 1_600_000_000 }, jwk) as string;
  assert.deepEqual(call('io.jwt.decode_verify', old, { secret: 'secret' }), [false, {}, {}]);
  assert.throws(() => call('io.jwt.decode', 'abc'), /no period separators/);
});

test('RS256, PS256, ES256 and EdDSA round trips with JWK and PEM keys', () => {
  const cases: Array<[string, ReturnType<typeof generateKeyPairSync>]> = [
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['PS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['EdDSA', generateKeyPairSync('ed25519')],
  ];
  for (const [alg, { publicKey, privateKey }] of cases) {
    const token = call(
      'io.jwt.encode_sign',
      { alg },
      { sub: 'x' },
      privateKey.export({ format: 'jwk' }),
    ) as string;
    const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    assert.equal(call(`io.jwt.verify_${alg.toLowerCase()}`, token, pem), true, alg);
    const jwks = JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] });
    assert.equal(
      call('io.jwt.decode_verify', token, { cert: jwks })?.toString().startsWith('true'),
      true,
      alg,
    );
  }
});

test('hashes, hmac and uuid', () => {
  assert.equal(call('crypto.md5', 'lorem ipsum'), '80a751fde577028640c419000e33eba6');
  assert.equal(call('crypto.hmac.equal', 'a', 'a'), true);
  assert.equal(call('uuid.rfc4122', 'k'), call('uuid.rfc4122', 'k'));
});
