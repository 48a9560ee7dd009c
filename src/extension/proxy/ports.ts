// Port probing for the proxy's start: is the port another window's Claude proxy, and which port
// is free. No `vscode` import: unit-tested in plain Node.
import { createServer } from 'node:net';

/** Whether a Claude OpenAI Proxy that accepts `token` answers on the port (another window's). */
export async function isOurProxy(port: number, token: string): Promise<boolean> {
  try {
    const base = `http://127.0.0.1:${port}`;
    const banner = await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
    if (!banner.ok || !(await banner.text()).startsWith('Claude OpenAI Proxy')) return false;
    const models = await fetch(`${base}/v1/models`, { headers: { 'x-api-key': token }, signal: AbortSignal.timeout(2000) });
    await models.body?.cancel();
    return models.ok;
  } catch {
    return false;
  }
}

/** The first port from `from` on that 127.0.0.1 can listen on (tries `tries` ports), or undefined. */
export async function findFreePort(from: number, tries = 50): Promise<number | undefined> {
  for (let port = from; port < Math.min(from + tries, 65536); port++) {
    if (await canListen(port)) return port;
  }
  return undefined;
}

function canListen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
