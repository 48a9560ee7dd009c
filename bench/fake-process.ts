// The committed strict fake OpenAI server, in its own process for the bench (forked by
// processes.ts with an IPC channel). In its own process so that neither the load generator nor the proxy
// shares an event loop with it: direct calls then cost load generator + fake, proxied calls
// load generator + proxy + fake, on the same two cores, and the difference is the proxy.
//
// Commands over IPC: { id, cmd: 'default', answer } sets the answer for every model call;
// 'last' returns the last recorded request's path and body (the proxy's translated request,
// used as the equivalent direct request); 'marks' (on: true / false) starts / stops recording
// the times at which SSE text chunks carrying a "[[cN]]" marker were written, 'take' returns
// and clears them; 'stats' returns counts.
import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startFakeOpenAI, type ScriptedAnswer } from '../test/fake-openai';

interface Command { id: number; cmd: string; answer?: ScriptedAnswer; on?: boolean }

const MARK = /\[\[c(\d+)\]\]/g;
let recording = false;
let marks: { chunk: number; at: number }[] = [];
const now = () => performance.timeOrigin + performance.now();

// Record when each marked chunk is handed to the socket (both APIs write one chunk per write()).
// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the response as `this`
const write = ServerResponse.prototype.write as (this: ServerResponse, ...args: unknown[]) => boolean;
ServerResponse.prototype.write = function patchedWrite(this: ServerResponse, ...args: unknown[]): boolean {
  if (recording && typeof args[0] === 'string' && args[0].includes('[[c')) {
    const at = now();
    for (const match of args[0].matchAll(MARK)) marks.push({ chunk: Number(match[1]), at });
  }
  return write.apply(this, args);
} as typeof ServerResponse.prototype.write;

async function main(): Promise<void> {
  // Every model call gets the current phase's answer (the script queue stays unused).
  let answer: ScriptedAnswer = { kind: 'text', chunks: ['Hello from the fake.'] };
  const fake = await startFakeOpenAI({ answerFor: () => answer });
  let served = 0;
  // The fake records every request (parsed body included); keep only the latest so that
  // thousands of 100 KB bodies do not pile up in this process during the bench.
  let last: { path: string; body: unknown } | undefined;
  const trim = setInterval(() => {
    if (fake.requests.length === 0) return;
    const latest = fake.requests.at(-1)!;
    last = { path: latest.path, body: latest.body };
    served += fake.requests.length;
    fake.requests.length = 0;
  }, 200);
  trim.unref();

  process.on('message', (message: Command) => {
    const reply = (value: unknown) => process.send!({ id: message.id, value });
    switch (message.cmd) {
      case 'default':
        answer = message.answer!;
        return reply(true);
      case 'last': {
        const latest = fake.requests.at(-1);
        return reply(latest ? { path: latest.path, body: latest.body as unknown } : last);
      }
      case 'marks':
        if (message.on) {
          marks = [];
          recording = true;
          return reply(true);
        }
        recording = false;
        return reply(marks);
      case 'take': {
        const taken = marks;
        marks = [];
        return reply(taken);
      }
      case 'stats':
        return reply({ served: served + fake.requests.length, open: fake.openConnections(), active: fake.activeRequests() });
      case 'close':
        void fake.close().then(() => {
          reply(true);
          process.disconnect();
        });
        return;
      default:
        return reply(null);
    }
  });
  process.on('disconnect', () => void fake.close().finally(() => process.exit(0)));
  process.send!({ id: 0, value: { url: fake.url, apiKey: fake.apiKey, timeOrigin: performance.timeOrigin } });
}

void main();
