// Streaming: time to first byte (message_start against the fake's first chunk), to first text,
// and per-chunk forwarding. The fake streams 8 marked chunks 10 ms apart and records when it
// wrote each; the client records when each arrived (epoch times, comparable across processes).
import { epoch, json, percentile, post, summarize, type Endpoint, type Summary } from '../lib';
import { startPassthrough, type Bench } from '../processes';
import { equivalent, small, type AnthropicBody, type Requests, type Upstream } from '../requests';
import { log, MARKED_CHUNKS } from '../settings';

type StreamCase = { name: string; body: AnthropicBody; pairs: number };

/** Streams one request; records the first event and when each marked chunk first arrived. */
async function streamOnce(target: Endpoint, path: string, body: Buffer, firstEventPattern: RegExp) {
  const chunks = new Map<number, number>();
  let seen = '';
  let firstEvent = NaN;
  const started = epoch();
  const reply = await post(target, path, body, {
    onData(text, at) {
      const from = Math.max(0, seen.length - 12);
      seen += text;
      if (Number.isNaN(firstEvent) && firstEventPattern.test(seen)) firstEvent = at - started;
      for (const match of seen.slice(from).matchAll(/\[\[c(\d+)\]\]/g)) {
        const chunk = Number(match[1]);
        if (!chunks.has(chunk)) chunks.set(chunk, at);
      }
    },
  });
  return { started, firstEvent, chunks, ok: reply.status === 200 && chunks.size === MARKED_CHUNKS.length };
}

/** When the fake wrote each marked chunk (the first time), from what it recorded since the last take. */
async function takeMarks(bench: Bench): Promise<Map<number, number>> {
  const first = new Map<number, number>();
  for (const mark of await bench.fake.rpc.call<{ chunk: number; at: number }[]>('take')) if (!first.has(mark.chunk)) first.set(mark.chunk, mark.at);
  return first;
}

/** Pairs of streams of one case, direct then proxied: first byte, first text and every chunk's lag. */
async function streamPairs(bench: Bench, anthropic: Buffer, upstream: Upstream, pairs: number) {
  const firstByte: number[] = [];
  const firstText: number[] = [];
  const lagsProxied: number[] = [];
  const lagsDirect: number[] = [];
  // By chunk: the fake writes some chunks later than it marks them (the last one is followed
  // at once by the large completion events), and a direct client sees that delay too.
  const directLagsByChunk = new Map<number, number[]>();
  const proxiedLagsByChunk: [number, number][] = [];
  const directFirst: number[] = [];
  let errors = 0;
  for (let i = 0; i < pairs; i++) {
    const d = await streamOnce(bench.direct, upstream.path, upstream.body, /^data: /m);
    const dMarks = await takeMarks(bench);
    const p = await streamOnce(bench.proxied, '/v1/messages', anthropic, /^event: message_start/m);
    const pMarks = await takeMarks(bench);
    if (!d.ok || !p.ok) errors++;
    directFirst.push(d.firstEvent);
    firstByte.push(p.firstEvent - d.firstEvent);
    firstText.push((p.chunks.get(0) ?? NaN) - p.started - ((d.chunks.get(0) ?? NaN) - d.started));
    for (const [chunk, at] of d.chunks) {
      const lag = at - (dMarks.get(chunk) ?? NaN);
      lagsDirect.push(lag);
      directLagsByChunk.set(chunk, [...(directLagsByChunk.get(chunk) ?? []), lag]);
    }
    for (const [chunk, at] of p.chunks) {
      const lag = at - (pMarks.get(chunk) ?? NaN);
      lagsProxied.push(lag);
      proxiedLagsByChunk.push([chunk, lag]);
    }
  }
  const directLag = new Map([...directLagsByChunk].map(([chunk, lags]) => [chunk, percentile(lags, 50)]));
  const chunkAdded = proxiedLagsByChunk.map(([chunk, lag]) => lag - (directLag.get(chunk) ?? NaN));
  return { errors, directFirst, firstByte, firstText, lagsDirect, lagsProxied, directLag, chunkAdded };
}

/** The same chunks through the do-nothing pipe: the tail any extra Node hop adds here. */
async function passthroughChunkAdded(bench: Bench, upstream: Upstream, pairs: number, directLag: Map<number, number>) {
  const { piped } = await startPassthrough(bench.fake);
  const added: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const r = await streamOnce(piped, upstream.path, upstream.body, /^data: /m);
    const rMarks = await takeMarks(bench);
    for (const [chunk, at] of r.chunks) added.push(at - (rMarks.get(chunk) ?? NaN) - (directLag.get(chunk) ?? NaN));
  }
  return summarize(added);
}

export async function measureStreaming(bench: Bench, requests: Requests) {
  log('streaming: first byte and per-chunk forwarding');
  await bench.fake.rpc.call('default', { answer: { kind: 'text', chunks: MARKED_CHUNKS, delayMs: 10 } });
  const streamCases: StreamCase[] = [
    { name: 'small, chat', body: { ...small('claude-haiku-4-5'), stream: true }, pairs: 20 },
    { name: 'small, responses', body: { ...small('claude-sonnet-4-5'), stream: true }, pairs: 20 },
    { name: 'fixture 01, responses', body: requests.fixtures[0].body, pairs: 10 },
    { name: 'fixture 03, chat', body: requests.fixtures[2].body, pairs: 10 },
  ];
  const figures: {
    streaming: {
      case: string; path: string; pairs: number; errors: number; directFirstChunkMs: Summary; addedFirstByteMs: Summary; addedFirstTextMs: Summary;
      chunkLagDirectMs: Summary; chunkLagProxiedMs: Summary; chunkAddedMs: Summary; chunksForwarded: number;
    }[];
    streamingPassthroughChunkAddedMs?: Summary;
    streamingAll?: { addedFirstByteMs: Summary; addedFirstTextMs: Summary; chunkAddedMs: Summary };
  } = { streaming: [] };
  const all = { chunkAdded: [] as number[], firstByte: [] as number[], firstText: [] as number[] };
  await bench.fake.rpc.call('marks', { on: true });
  for (const streamCase of streamCases) {
    const anthropic = json(streamCase.body);
    const upstream = await equivalent(bench, anthropic);
    await bench.fake.rpc.call('take');
    const s = await streamPairs(bench, anthropic, upstream, streamCase.pairs);
    all.chunkAdded.push(...s.chunkAdded);
    all.firstByte.push(...s.firstByte);
    all.firstText.push(...s.firstText);
    if (streamCase.name === 'small, chat') figures.streamingPassthroughChunkAddedMs = await passthroughChunkAdded(bench, upstream, streamCase.pairs, s.directLag);
    figures.streaming.push({
      case: streamCase.name, path: upstream.path, pairs: streamCase.pairs, errors: s.errors,
      directFirstChunkMs: summarize(s.directFirst),
      addedFirstByteMs: summarize(s.firstByte),
      addedFirstTextMs: summarize(s.firstText),
      chunkLagDirectMs: summarize(s.lagsDirect),
      chunkLagProxiedMs: summarize(s.lagsProxied),
      chunkAddedMs: summarize(s.chunkAdded),
      chunksForwarded: s.lagsProxied.length,
    });
  }
  await bench.fake.rpc.call('marks', { on: false });
  figures.streamingAll = { addedFirstByteMs: summarize(all.firstByte), addedFirstTextMs: summarize(all.firstText), chunkAddedMs: summarize(all.chunkAdded) };
  return figures;
}
