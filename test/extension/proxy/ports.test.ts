// findFreePort: what the "port in use" error offers as "Use Port N".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findFreePort } from '../../../src/extension/proxy/ports';
import { blockPortRun, freeLoopbackPort } from '../../vscode/lib/ports';

test('a free port is offered as it is', async () => {
  const port = await freeLoopbackPort();
  assert.equal(await findFreePort(port), port);
});

test('taken ports are skipped: the first free one after them is offered', async () => {
  const { first, blockers } = await blockPortRun(2);
  try {
    assert.equal(await findFreePort(first), first + 2);
  } finally {
    for (const server of blockers) server.close();
  }
});

test('undefined when every port tried is taken, and never a port above 65535', async () => {
  const { first, blockers } = await blockPortRun(3);
  try {
    assert.equal(await findFreePort(first, 3), undefined);
    assert.equal(await findFreePort(first, 4), first + 3);
  } finally {
    for (const server of blockers) server.close();
  }
  assert.equal(await findFreePort(65536), undefined);
});
