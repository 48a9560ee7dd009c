// The reasoning signature: the proxy's HMAC over the encrypted reasoning it hands the client.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { ReasoningSigner } from '../../../src/proxy/openai/reasoning-signature';
import { testSigner } from '../../helpers/translate';

test('the reasoning signature refuses tampering and other keys', () => {
  const signature = testSigner.sign({ encrypted: 'E', summary: ['s'] });
  assert.ok(testSigner.verify(signature));
  assert.equal(new ReasoningSigner(Buffer.from('another key')).verify(signature), undefined);
  const [prefix, body, mac] = [signature.slice(0, 5), signature.slice(5, signature.lastIndexOf('.')), signature.slice(signature.lastIndexOf('.') + 1)];
  const tampered = Buffer.from(JSON.stringify({ e: 'EVIL', s: ['s'] })).toString('base64url');
  assert.equal(testSigner.verify(`${prefix}${tampered}.${mac}`), undefined);
  assert.ok(body.length > 0);
  assert.equal(testSigner.verify(undefined), undefined);
  assert.equal(testSigner.verify('EqQBCkgIARAB'), undefined);
});

test('encrypted reasoning goes back only to the provider that made it; its summary to any', () => {
  const local = testSigner.forProvider('local');
  const signature = local.sign({ encrypted: 'E', summary: ['s'] });
  assert.deepEqual(local.verify(signature), { encrypted: 'E', summary: ['s'] });
  assert.deepEqual(testSigner.forProvider('openai').verify(signature), { encrypted: undefined, summary: ['s'] });
  assert.deepEqual(testSigner.forProvider('azure-work').verify(signature), { encrypted: undefined, summary: ['s'] });
});

test('a signature from before providers (none named) is the "openai" provider\'s', () => {
  const key = Buffer.from('a key of some length');
  const body = Buffer.from(JSON.stringify({ e: 'E', s: ['s'] })).toString('base64url');
  const old = `cop1.${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  assert.deepEqual(new ReasoningSigner(key).verify(old), { encrypted: 'E', summary: ['s'] });
  assert.deepEqual(new ReasoningSigner(key, 'local').verify(old), { encrypted: undefined, summary: ['s'] });
});
