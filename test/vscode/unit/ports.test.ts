// findFreePort: what the "port in use" error offers as "Use Port N".
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { findFreePort } from '../../../src/extension/ports';

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function ephemeralPort(): Promise<number> {
  const server = (await listen(0))!;
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Holds `count` consecutive ports from some `first`, with the port after them free. */
async function blockRun(count: number): Promise<{ first: number; blockers: Server[] }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await ephemeralPort();
    if (first + count >= 65535) continue;
    const blockers: Server[] = [];
    for (let port = first; port < first + count; port++) {
      const server = await listen(port);
      if (server) blockers.push(server);
    }
    const after = await listen(first + count);
    if (blockers.length === count && after) {
      await new Promise((resolve) => after.close(resolve));
      return { first, blockers };
    }
    after?.close();
    for (const server of blockers) server.close();
  }
  throw new Error('found no run of free ports');
}

test('a free port is offered as it is', async () => {
  const port = await ephemeralPort();
  assert.equal(await findFreePort(port), port);
});

test('taken ports are skipped: the first free one after them is offered', async () => {
  const { first, blockers } = await blockRun(2);
  try {
    assert.equal(await findFreePort(first), first + 2);
  } finally {
    for (const server of blockers) server.close();
  }
});

test('undefined when every port tried is taken, and never a port above 65535', async () => {
  const { first, blockers } = await blockRun(3);
  try {
    assert.equal(await findFreePort(first, 3), undefined);
    assert.equal(await findFreePort(first, 4), first + 3);
  } finally {
    for (const server of blockers) server.close();
  }
  assert.equal(await findFreePort(65536), undefined);
});
