// The reasoning signature: the proxy's HMAC over the encrypted reasoning it hands the client.
import assert from 'node:assert/strict';
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
