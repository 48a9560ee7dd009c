// Who gets in: the token comparison. It must accept exactly the token, in either header, and take
// the same path whatever the candidate: both sides are hashed to 32 bytes and compared with
// crypto.timingSafeEqual, so neither the length nor a matching prefix changes what is compared.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { TokenCheck } from '../../src/proxy/server/auth';

const TOKEN = 'cop-accessTestToken0123456789abcdef';

test('the proxy token is compared in constant time: always 32-byte digests through timingSafeEqual', () => {
  const compared: [number, number][] = [];
  const original = crypto.timingSafeEqual;
  (crypto as { timingSafeEqual: typeof original }).timingSafeEqual = (a, b) => {
    compared.push([a.byteLength, b.byteLength]);
    return original(a, b);
  };
  try {
    const check = new TokenCheck(TOKEN);
    const candidates = ['', 'c', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), 'x'.repeat(100000), `${TOKEN.slice(0, -1)}g`];
    for (const candidate of candidates) {
      compared.length = 0;
      assert.equal(check.accepts({ 'x-api-key': candidate }), false, JSON.stringify(candidate.slice(0, 40)));
      assert.equal(check.accepts({ authorization: `Bearer ${candidate}` }), false);
      assert.ok(compared.length >= 2, 'every candidate goes through timingSafeEqual');
      assert.ok(compared.every(([a, b]) => a === 32 && b === 32), `compared lengths ${JSON.stringify(compared)}`);
    }
    assert.equal(check.accepts({ 'x-api-key': TOKEN }), true);
    assert.equal(check.accepts({ authorization: `Bearer ${TOKEN}` }), true);
    assert.equal(check.accepts({ authorization: `bearer   ${TOKEN}` }), true);
    assert.equal(check.accepts({ authorization: TOKEN }), false, 'a bare token without "Bearer" is not accepted');
    assert.equal(check.accepts({}), false);
    assert.equal(check.accepts({ 'x-api-key': [TOKEN, TOKEN] }), false, 'a repeated header is not a token');
  } finally {
    (crypto as { timingSafeEqual: typeof original }).timingSafeEqual = original;
  }
});
