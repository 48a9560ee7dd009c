// A loopback server answering with a handler, and a node-http-fetch over fresh keep-alive agents
// pointed at it; both are destroyed after the run. For the tests of node-http-fetch and its Response.
import { Agent as HttpAgent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createNodeHttpFetch } from '../../src/proxy/transport/node-http-fetch';

/** Called once the request body is in. */
export type FetchServerHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export async function withFetchServer(
  handler: FetchServerHandler,
  run: (url: string, fetch: typeof globalThis.fetch, sockets: Set<Socket>) => Promise<void>,
): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, createNodeHttpFetch(agents), sockets);
  } finally {
    agents.http.destroy();
    agents.https.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
