// Loopback ports for tests that need some taken and some free: used in plain Node (unit tests)
// and inside the extension host (the suite bundles it).
import { createServer, type Server } from 'node:net';

/** Listens on 127.0.0.1:port; undefined when the port is taken. */
export function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port that was free a moment ago. */
export async function freeLoopbackPort(): Promise<number> {
  const server = await listen(0);
  if (!server) throw new Error('no free loopback port');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Holds `count` consecutive ports from some `first`, with the port after them left free. */
export async function blockPortRun(count: number): Promise<{ first: number; blockers: Server[] }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await freeLoopbackPort();
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
