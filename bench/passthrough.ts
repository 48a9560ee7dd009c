// Reference for the throughput figures: the cheapest possible Node hop, a node:http server that
// pipes each request to the fake and the answer back (keep-alive agent, no parsing, no
// translation). Started by processes.ts in its own process, like the proxy. What it reaches is
// the ceiling for any proxy written in Node on this machine.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.argv[2] ?? process.env.UPSTREAM ?? '');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
  const out = request({
    host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, agent,
    headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '', 'content-length': req.headers['content-length'] ?? '0' },
  }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Claude proxy listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
