// A raw TCP connection to a server under test, for what an HTTP client will not send: headers
// that never end, hand-made chunked bodies, bytes that trickle in.
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  socket: Socket;
  /** Everything the server sent until it closed the connection, or 'TIMEOUT' after `timeoutMs`
   *  (the socket is then destroyed). */
  reply(timeoutMs: number): Promise<string>;
  closed(): boolean;
}

export function openRawConnection(url: string): RawConnection {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let isClosed = false;
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    socket.on('close', () => { isClosed = true; resolve(text); });
    socket.on('error', () => resolve(text));
  });
  return {
    socket,
    closed: () => isClosed,
    async reply(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const text = await Promise.race([answer, new Promise<string>((resolve) => { timer = setTimeout(() => resolve('TIMEOUT'), timeoutMs); })]);
      clearTimeout(timer);
      socket.destroy();
      return text;
    },
  };
}
